import Foundation
import SweepData
import SweepFeatureCache

/// Where a sweep's work runs: the trials, and the feature extraction they wait for.
///
/// `SweepRun` keeps the orchestration (what to run, records, resume, the results folder) and
/// hands the work to one executor: `LocalExecutor` (worker processes on this machine) or
/// `SlurmExecutor` (Slurm jobs on a cluster). An executor reports every attempt to a
/// `TrialSink` and never writes trial records itself; the sink (the recorder) does.
public protocol SweepExecutor: Sendable {
    /// One line for the log, e.g. `2 worker process(es), 1 BLAS thread(s) each`.
    var summary: String { get }

    /// Makes the features `request` names complete in its cache, extracting what is missing,
    /// and returns once they are (a trial never starts before).
    func prepareFeatures(_ request: FeatureRequest) async throws

    /// Runs the queue's tickets until the queue is empty (every attempt reported to `sink`,
    /// retries taken from `queue`) or stopped. Cancelling the task returns promptly.
    func run(_ queue: TrialQueue, sink: any TrialSink) async throws

    /// Ends trial `id`'s attempt, running or still waiting, without retrying it (pruning): the
    /// sink hears `failed(…, reason: "stopped: <reason>", willRetry: false)` once. The caller,
    /// which decided to stop it and has seen its epochs, records what the trial became.
    func stop(trial id: String, reason: String) async

    /// What is left running after `run` was cancelled (Ctrl-C), for the interrupted message.
    var afterInterrupt: String { get }

    /// Trials whose attempts run now, before `run` (jobs a restarted driver will adopt): their
    /// checkpoint folders are being written and must be left alone.
    func inFlight() async -> Set<String>
}

/// The features a sweep needs: the cache, the key, and how to compute them.
public struct FeatureRequest: @unchecked Sendable {
    /// The cache they go to.
    public var cache: FeatureCache
    /// Their key (image hashes, extractor identity, feature count).
    public var key: FeatureCacheKey
    /// Computes features in this process (the local executor; built lazily).
    public var extractor: any FeatureExtractor
    /// What a shard task on another machine needs to build the same extractor, as JSON
    /// (weights, their identity, preprocessing), read back by `sweep extract-shard`.
    public var recipe: String
    /// Receives the cache's events (progress, reuse, rebuilds).
    public var onEvent: (FeatureCacheEvent) -> Void
    /// Receives sentences for the log.
    public var log: @Sendable (String) -> Void

    /// A request for `key`'s features in `cache`.
    public init(cache: FeatureCache, key: FeatureCacheKey, extractor: any FeatureExtractor, recipe: String,
                onEvent: @escaping (FeatureCacheEvent) -> Void, log: @escaping @Sendable (String) -> Void) {
        self.cache = cache
        self.key = key
        self.extractor = extractor
        self.recipe = recipe
        self.onEvent = onEvent
        self.log = log
    }
}

/// The worker pool on this machine: `workers` `sweep worker` processes fed over pipes, and the
/// feature extraction in this process.
public struct LocalExecutor: SweepExecutor {
    /// The pool the trials run on.
    public var pool: WorkerPool
    /// Threads each worker's BLAS uses.
    public var blasThreads: Int

    /// An executor running trials on `pool`.
    public init(pool: WorkerPool, blasThreads: Int) {
        self.pool = pool
        self.blasThreads = blasThreads
    }

    /// `2 worker process(es), 1 BLAS thread(s) each`.
    public var summary: String {
        "\(pool.workers) worker process(es), \(blasThreads) BLAS thread(s) each"
    }

    /// Extracts (or reuses) the features in this process.
    public func prepareFeatures(_ request: FeatureRequest) async throws {
        _ = try request.cache.features(for: request.key, extractor: request.extractor, onEvent: request.onEvent)
    }

    /// Runs the pool.
    public func run(_ queue: TrialQueue, sink: any TrialSink) async throws {
        try await pool.run(queue, sink: sink)
    }

    /// Kills the worker running `id` (the pool replaces it) or drops its waiting ticket.
    public func stop(trial id: String, reason: String) async {
        await pool.stop(trial: id, reason: reason)
    }

    /// Local workers stop with the run.
    public var afterInterrupt: String { "workers stopped" }

    /// None: local workers live only as long as the run that started them.
    public func inFlight() async -> Set<String> { [] }
}
