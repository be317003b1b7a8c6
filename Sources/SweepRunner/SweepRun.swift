import Foundation
// Executors (where trials run) are part of the runner's public face: the executable and tests
// use the tickets, the queue and the worker protocol through `SweepRunner`.
@_exported import SweepExecutors
import SweepCore
import SweepData
import SweepFeatureCache
import SweepModels
import SweepPluginAPI
import SweepVision
import SweepSearch

/// `sweep run`: validate the sweep file, prepare data, trunk weights, split and cached
/// features, then run every unfinished trial in worker processes, keeping `results/<name>/`
/// consistent after each trial. Safe to stop at any time (Ctrl-C, kill) and to run again.
public struct SweepRun {
    /// The validated sweep and its trials.
    public var plan: SweepPlan
    /// `results/<name>`.
    public var store: ResultsStore
    /// Path of the `sweep` executable, started as `sweep worker`.
    public var executable: String
    /// Where progress goes.
    public var display: StatusDisplay
    /// Cores to share between workers (BLAS threads per worker = cores / workers).
    public var cores: Int
    /// Finished trials to run again (`--rerun`); the others are kept.
    public var rerun: RerunSelection
    /// The shared suite's failures of plugins the sweep uses, by plugin name, accepted with
    /// `--allow-failing-plugins`: written to ABOUT.txt, context.json and each record of a trial
    /// that uses such a plugin.
    public var pluginCheckFailures: [String: [String]]
    /// The plugins the plan names, for the checks before any work (`PlanCheck`).
    public var catalog: PluginCatalog
    /// Called with the ranked records whenever the leaderboard is rewritten (at the start and
    /// after every finished trial), e.g. to refresh the HTML report.
    public var onResults: (@Sendable ([TrialRecord]) -> Void)?

    /// A run of `plan` writing to `<resultsRoot>/<name>/`.
    public init(plan: SweepPlan, resultsRoot: String = "results", executable: String, display: StatusDisplay,
                catalog: PluginCatalog, cores: Int = ProcessInfo.processInfo.activeProcessorCount,
                rerun: RerunSelection = RerunSelection(), pluginCheckFailures: [String: [String]] = [:]) {
        self.plan = plan
        self.store = ResultsStore(directory: resultsRoot + "/" + plan.spec.name)
        self.executable = executable
        self.display = display
        self.catalog = catalog
        self.cores = max(1, cores)
        self.rerun = rerun
        self.pluginCheckFailures = pluginCheckFailures
    }

    /// How a run ended.
    public enum Ending: Sendable, Equatable {
        case finished
        case nothingToDo
        case interrupted
    }

    /// Runs the sweep. `interrupt` is polled for Ctrl-C; when it fires, workers are stopped,
    /// finished trials are kept and `.interrupted` is returned.
    public func run(interrupt: InterruptSignal) async throws -> Ending {
        let spec = plan.spec
        _ = try rerun.namedTrials(in: plan)   // an unknown --rerun id is refused before any work
        // A run in progress is refused before anything is prepared; the folder itself is only
        // created once data and weights are known to be usable.
        try store.refuseIfInUse()
        let log: (String) -> Void = { [display] in display.log($0) }
        // Until the trials start, everything done survives a kill (the data set is generated
        // into a temporary folder, the feature cache commits batch by batch): Ctrl-C just exits.
        interrupt.exitImmediately(saying: "interrupted while preparing the data and features; "
            + "finished feature batches are kept in the cache. Run the same command again to resume.")

        // Trunk, data and split: what the trials share. The weights come first: missing ImageNet
        // weights stop the run before minutes of data generation.
        let trunk = try TrunkPreparation.prepare(spec.backbone, location: plan.locationPrefix("backbone.weights"), log: log)
        let data = try DataPreparation.prepare(spec.data, log: log)
        log("data: \(data.description)")
        log("trunk: \(trunk.description)")
        let split = try DataPreparation.split(data.dataset, spec.data)
        // Every loss can be built and every metric is defined on this split, before any feature
        // is extracted (an undefined objective would leave every trial without a value).
        let findings = PlanCheck.check(plan, dataset: data.dataset, split: split, catalog: catalog)
        for warning in findings.warnings { log("warning: \(warning)") }
        if !findings.errors.isEmpty { throw PlanCheck.Failure(messages: findings.errors) }
        let precision = TrunkPrecision(rawValue: spec.backbone.precision.rawValue) ?? .fp32
        let extractor = LazyTrunkExtractor(trunk: trunk, streams: cores, precision: precision)
        let cache = FeatureCache(directory: URL(fileURLWithPath: spec.backbone.cache))
        let imageFiles = (0..<data.dataset.count).map { data.dataset.imageURL($0).path }
        let key = try FeatureCacheKey(imagePaths: imageFiles, identity: extractor.identity,
                                      featureCount: extractor.featureCount)
        let workers = min(spec.workers, max(1, plan.trials.count))
        var context = WorkerContext(
            sweep: spec.name, cacheDirectory: cache.directory.path, cacheKey: key.value,
            classNames: data.dataset.classNames,
            // test labels never reach a worker: the test rows' targets are zeros there
            targets: WorkerContext.blankingTest(data.dataset.targets, classes: data.dataset.classCount, testRows: split.testIndices),
            trainIndices: split.trainIndices, validationIndices: split.validationIndices,
            checkpointsDirectory: store.checkpointsPath, blasThreads: 1, weights: trunk.source.description,
            weightsIdentity: trunk.identity, preprocessing: .imagenet, dataDescription: data.description,
            pluginCheckFailures: pluginCheckFailures.isEmpty ? nil : pluginCheckFailures)
        context.folds = split.folds
        // Refused before minutes of feature extraction, not after.
        try store.checkCompatible(context)
        let lock = try store.openForRun()
        defer { lock.unlock() }

        // Resume: finished trials are kept (but those --rerun names), the rest is queued in plan
        // order. A rerun trial's old record stays in trials.jsonl until its new one is appended
        // after it (the last record of an id wins), so stopping a rerun loses nothing.
        let records = try store.loadRecords()
        let rerunIDs = try rerun.finishedTrialsToRerun(plan: plan, records: records)
        if !rerun.isEmpty {
            log("rerun: \(rerunIDs.count) finished trial(s) will run again" + (rerunIDs.isEmpty ? " (none matches --rerun)" : ""))
        }
        let existing = records.filter { !rerunIDs.contains($0.id) }
        let finished = Set(existing.map(\.id))
        let runPlan = SearchDriver.plan(plan, recorded: existing)  // with TPE's recorded trials
        let remaining = runPlan.trials.filter { !finished.contains($0.id) }
        let toRun = SearchDriver.toRun(runPlan, remaining: remaining.count)
        let activeWorkers = min(workers, max(1, toRun))
        // workers x BLAS threads = cores (locally); a Slurm worker uses the CPUs of its task
        context.blasThreads = spec.executor.kind == .slurm ? spec.executor.cpusPerTask : max(1, cores / activeWorkers)
        if let forced = ProcessInfo.processInfo.environment["SWEEP_BLAS_THREADS"].flatMap({ Int($0) }), forced > 0 {
            context.blasThreads = forced  // for benchmarks: e.g. 1 worker x 1 thread
        }
        let executor = try makeExecutor(workers: activeWorkers, blasThreads: context.blasThreads)

        // The features (extracted once, then read from the cache) and the record of what this
        // sweep ran on.
        let renderer = FeatureCacheProgressRenderer()
        try await executor.prepareFeatures(FeatureRequest(
            cache: cache, key: key, extractor: extractor,
            recipe: try ShardRecipe(weights: ((try? trunk.source.resolvedPath()) ?? nil) ?? trunk.source.description,
                                    weightsIdentity: trunk.identity,
                                    preprocessing: .imagenet, precision: precision).json(),
            onEvent: { renderer.handle($0) }, log: { [display] in display.log($0) }))
        try DurableFiles.writeAtomically(Data(Self.recordedSpec(spec, data: data, trunk: trunk).utf8), to: store.specPath)
        try split.write(to: URL(fileURLWithPath: store.directory))
        try DurableFiles.writeAtomically(Data(Self.about(data: data, trunk: trunk, features: key.value,
                                                         pluginCheckFailures: pluginCheckFailures).utf8),
                                         to: store.directory + "/ABOUT.txt")

        let recorder = SweepRecorder(store: store, plan: runPlan, existing: records, rerunning: rerunIDs, display: display,
                                     pluginCheckFailures: pluginCheckFailures, onResults: onResults)
        store.removeOrphanCheckpoints(finished: finished.union(rerunIDs), keep: store.bestTrialID, inFlight: await executor.inFlight())
        try await recorder.refresh()
        let final = FinalEvaluation(plan: plan, store: store, context: context, catalog: catalog, testRows: split.testIndices,
                                    testTargets: split.testIndices.flatMap { row in
                                        data.dataset.targets[(row * data.dataset.classCount)..<((row + 1) * data.dataset.classCount)]
                                    }, log: log)
        if toRun == 0 {
            interrupt.exitImmediately(saying: nil)
            log("nothing to do: all \(plan.trials.count) trials of \(spec.name) are finished")
            try await finish(final, recorder: recorder)
            return .nothingToDo
        }
        let total = runPlan.trials.count - remaining.count + toRun
        if !finished.isEmpty { log("resuming: \(total - toRun) of \(total) trials already finished") }
        let driver = SearchDriver.needed(spec)
            ? SearchDriver(spec: spec, makeTrial: plan.makeTrial, recorder: recorder,
                           recorded: runPlan.trials.filter { finished.contains($0.id) }, waiting: remaining,
                           log: { [display] in display.log($0) })
            : nil
        let tickets = driver != nil ? [] : try remaining.map { TrialTicket(id: $0.id, attempt: 1, payload: try TrialAssignment($0).json()) }
        try context.write(to: store.contextPath)
        log("running \(toRun) trial(s) on \(executor.summary)")

        let queue = TrialQueue(tickets, retries: spec.retries)
        if let driver {
            await driver.attach(executor)
            await queue.feed { await driver.next() }
            await recorder.observeEpochs { ticket, payload in await driver.epoch(ticket, payload: payload) }
            await recorder.setTotal(total)
        }
        await recorder.stopping(queue)
        interrupt.exitImmediately(saying: nil)
        let poolTask = Task { try await executor.run(queue, sink: recorder) }
        let watcher = Task {
            await interrupt.wait()
            await queue.stop()
            poolTask.cancel()
        }
        let result = await poolTask.result
        watcher.cancel()
        display.finish()
        if interrupt.fired {
            let left = await recorder.rerunsLeft
            log("interrupted: \(executor.afterInterrupt); \(await recorder.records.count) finished trial(s) are kept in \(store.trialsPath). "
                + (left == 0 ? "Run the same command again to continue."
                   : "\(left) trial(s) named by --rerun did not run again and keep their earlier records; "
                     + "the same command would rerun every trial it names, `sweep run` without --rerun keeps them."))
            return .interrupted
        }
        if case .failure(let error) = result { throw error }
        if let error = await recorder.failure { throw error }
        try await finish(final, recorder: recorder)
        return .finished
    }

    /// The final evaluation of the chosen configuration, when the sweep has one (`final.json`).
    func finish(_ final: FinalEvaluation, recorder: SweepRecorder) async throws {
        let records = await recorder.records
        if let report = try final.run(records: records) {
            display.log("final evaluation of configuration \(report.configuration) written to \(store.finalPath)")
        }
    }

    /// The executor the sweep file (or `--executor`) asks for.
    func makeExecutor(workers: Int, blasThreads: Int) throws -> any SweepExecutor {
        let spec = plan.spec
        let contextPath = store.contextPath
        let timeout = Duration.milliseconds(Int64(spec.trialTimeout * 1000))
        switch spec.executor.kind {
        case .local:
            let workerLog = WorkerLog(path: store.directory + "/workers.log")
            let launcher = ProcessLauncher(executable: executable, arguments: { _ in ["worker", "--context", contextPath] },
                                           environment: ["OPENBLAS_NUM_THREADS": "\(blasThreads)"],
                                           log: { index, line in workerLog.append("[worker \(index)] \(line)") })
            return LocalExecutor(pool: WorkerPool(launcher: launcher, workers: workers, trialTimeout: timeout),
                                 blasThreads: blasThreads)
        case .slurm:
            let folder = SlurmFolder(store.directory + "/slurm")
            guard SlurmCommands.available() else {
                throw FileError(path: store.directory, reason: "executor.kind is slurm, but sbatch is not on PATH "
                                + "(run on a login node of the cluster, or use --executor local)")
            }
            return try SlurmExecutor(
                settings: spec.executor, folder: folder, executable: executable,
                workerArguments: ["worker", "--context", contextPath, "--queue", folder.path],
                environment: ["OPENBLAS_NUM_THREADS": "\(blasThreads)"],
                retries: spec.retries, trialTimeout: spec.trialTimeout, log: { [display] in display.log($0) })
        }
    }

    /// `sweep.yaml`: the resolved sweep file (every default written out, the data format as
    /// read), headed by comments saying which data and weights actually ran.
    static func recordedSpec(_ spec: SweepSpec, data: PreparedData, trunk: PreparedTrunk) throws -> String {
        "# The sweep file as it ran, every default written out (sweep run this file to resume or repeat it).\n"
            + "# data: \(data.description)\n# trunk: \(trunk.description)\n" + (try spec.resolvedYAML())
    }

    static func about(data: PreparedData, trunk: PreparedTrunk, features: String,
                      pluginCheckFailures: [String: [String]] = [:]) -> String {
        var text = """
        data: \(data.description)
        trunk: \(trunk.description)
        trunk weights identity: \(trunk.identity)
        feature cache key: \(features)
        frozen trunk: eval-mode BatchNorm (running statistics), features cached once and shared by every trial

        """
        if !pluginCheckFailures.isEmpty {
            text += "PLUGINS THAT FAIL THE SHARED SUITE, used because of --allow-failing-plugins "
                + "(each affected trial's record lists them under plugin_check_failures):\n"
            for name in pluginCheckFailures.keys.sorted() {
                for line in pluginCheckFailures[name] ?? [] { text += "  \(line)\n" }
            }
        }
        return text
    }
}

/// Appends worker stderr lines to a log file.
final class WorkerLog: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle?

    init(path: String) {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
    }

    func append(_ line: String) {
        lock.withLock { handle?.write(Data((line + "\n").utf8)) }
    }
}
