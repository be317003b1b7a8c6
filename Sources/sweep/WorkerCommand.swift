import ArgumentParser
import Foundation
import SweepPlugins
import SweepRunner
import SweepTensor

/// `sweep worker --context FILE`: the worker process `sweep run` starts. It reads trials as
/// JSON lines on stdin and answers on stdout (see `WorkerProtocol`); logs go to stderr.
/// With `--queue DIR` it is a Slurm worker job instead: it claims trials from the shared queue
/// folder and writes their outcomes there (see `QueueWorker`).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run trials for `sweep run` (internal).", shouldDisplay: false)

    @Option(help: "The sweep's context.json.")
    var context: String

    @Option(help: "A Slurm sweep's queue folder (results/<name>/slurm): pull trials from it instead of stdin.")
    var queue: String?

    @Option(help: "With --queue: seconds between looks at an empty queue.")
    var poll: Double = 1

    @Option(help: "With --queue: seconds an idle worker waits for new trials before it exits.")
    var linger: Double = 10

    func run() async throws {
        let ctx = try WorkerContext.read(context)
        BLAS.setThreads(ctx.blasThreads)
        let executor = try TrialExecutor(context: ctx, catalog: try AllPlugins.catalog())
        let handler: WorkerService.TrialHandler = { ticket, emit in try executor.run(ticket, emitEpoch: emit) }
        if let queue {
            let worker = QueueWorker(folder: SlurmFolder(queue), identity: .fromEnvironment(), poll: poll, linger: linger,
                                     log: { printError($0) }, handler: handler)
            await worker.serve()
            return
        }
        let service = WorkerService(handler: handler)
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

/// `sweep extract-shard --plan FILE --shard I`: one feature-extraction task of a Slurm sweep.
struct ExtractShardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract-shard", abstract: "Extract one shard of a sweep's features on a Slurm node (internal).",
        shouldDisplay: false)

    @Option(help: "The shard plan (<cache>/<key>.shards/plan.json).")
    var plan: String

    @Option(help: "The shard's index (SLURM_ARRAY_TASK_ID).")
    var shard: Int

    func run() throws {
        try runReportingErrors {
            let streams = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap { Int($0) }
                ?? ProcessInfo.processInfo.activeProcessorCount
            try ShardTask.run(planPath: plan, index: shard, makeExtractor: { recipe in
                try ShardRecipe(json: recipe).extractor(streams: max(1, streams))
            }, log: { printError($0) })
        }
    }
}
