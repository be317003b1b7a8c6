/// Extraction progress after a committed batch.
public struct FeatureCacheProgress: Sendable, Equatable {
    /// Images whose features are durable (including those from earlier, interrupted runs).
    public let done: Int
    /// Images in the data set.
    public let total: Int
    /// Images per second in this run (0 before the first batch finishes).
    public let imagesPerSecond: Double
    /// Seconds left at the current rate; nil while the rate is unknown.
    public let etaSeconds: Double?
    /// Seconds since this run started extracting.
    public let elapsedSeconds: Double

    /// Progress with `done` of `total` images, `doneThisRun` of them in this run's `elapsed` seconds.
    public init(done: Int, total: Int, doneThisRun: Int, elapsedSeconds elapsed: Double) {
        self.done = done
        self.total = total
        elapsedSeconds = elapsed
        imagesPerSecond = elapsed > 0 ? Double(doneThisRun) / elapsed : 0
        etaSeconds = imagesPerSecond > 0 ? Double(total - done) / imagesPerSecond : nil
    }
}

/// What the cache is doing, reported to an observer (a terminal renderer, a log, a test).
public enum FeatureCacheEvent: Sendable, Equatable {
    /// A valid finished cache was found and mapped; nothing was extracted.
    case reused(key: String)
    /// Another process holds `<key>.lock`; waiting for it to finish.
    case waitingForLock(key: String)
    /// An existing cache or partial folder is unusable and will be rebuilt or discarded.
    case rebuilding(key: String, reason: String)
    /// Extraction starts; `done` images were already committed by an interrupted run.
    case started(key: String, done: Int, total: Int)
    /// A batch was committed (written, fsynced, progress recorded).
    case progress(FeatureCacheProgress)
    /// The cache was finalised and renamed into place.
    case finished(key: String, extractedThisRun: Int, seconds: Double)
}
