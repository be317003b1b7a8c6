import ArgumentParser
import Foundation
import SweepPlugins
import SweepRunner
import SweepTensor

/// `sweep worker --context FILE`: the worker process `sweep run` starts. It reads trials as
/// JSON lines on stdin and answers on stdout (see `WorkerProtocol`); logs go to stderr.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run trials for `sweep run` (internal).", shouldDisplay: false)

    @Option(help: "The sweep's context.json.")
    var context: String

    func run() async throws {
        let ctx = try WorkerContext.read(context)
        BLAS.setThreads(ctx.blasThreads)
        let executor = try TrialExecutor(context: ctx, catalog: try AllPlugins.catalog())
        let service = WorkerService { ticket, emit in try executor.run(ticket, emitEpoch: emit) }
        // The protocol gets its own copy of stdout; fd 1 then points at stderr, so anything else
        // printed (a plugin's debug output) lands in workers.log instead of corrupting a line.
        let protocolFD = dup(STDOUT_FILENO)
        guard protocolFD >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else {
            throw CommandError("cannot set up the worker's output: \(String(cString: strerror(errno)))")
        }
        let output = FileHandle(fileDescriptor: protocolFD, closeOnDealloc: true)
        await service.serve(nextLine: { readLine(strippingNewline: true) },
                            emit: { line in output.write(Data((line + "\n").utf8)) })
    }
}
