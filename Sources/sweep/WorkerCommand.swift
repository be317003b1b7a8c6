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
        let output = FileHandle.standardOutput
        await service.serve(nextLine: { readLine(strippingNewline: true) },
                            emit: { line in output.write(Data((line + "\n").utf8)) })
    }
}
