import Foundation
import SweepCore
import SweepData
import SweepRunner
import SweepTensor

/// Keeps `results/<name>/report.html` up to date while `sweep run` runs: rewritten atomically
/// (a temporary file renamed over it) after each finished trial, so a browser reload shows the
/// progress. A rewrite is skipped when the previous one was less than `spacing` times its own
/// cost ago (a 1000-trial sweep keeps the orchestrator's share small); `finish()` always writes.
public final class LiveReport: @unchecked Sendable {
    /// The page's file name in a results folder.
    public static let fileName = "report.html"

    /// The reader of the folder.
    public let reader: ReportReader
    /// Where the page goes.
    public let path: String
    /// A rewrite waits at least this many times the last one's duration.
    public let spacing: Double
    private let lock = NSLock()
    private var lastWrite = -Double.infinity
    private var lastCost = 0.0
    private var latest: [TrialRecord]?
    private(set) var writes = 0

    /// A live report of `plan` in `store`'s folder (at `path`, default `<folder>/report.html`).
    public init(store: ResultsStore, plan: SweepPlan, path: String? = nil, spacing: Double = 20) {
        reader = ReportReader(store: store, plan: plan)
        self.path = path ?? store.directory + "/" + Self.fileName
        self.spacing = spacing
    }

    /// The records changed (ranked, as `SweepRecorder` passes them): rewrite unless one was just written.
    public func update(_ records: [TrialRecord]) {
        let now = monotonicSeconds()
        let due: Bool = lock.withLock {
            latest = records
            return now - lastWrite >= lastCost * spacing
        }
        if due { _ = try? write(records) }
    }

    /// Writes the page from the latest records given (or from `trials.jsonl` when none were).
    public func finish() throws {
        let records = lock.withLock { latest }
        try write(records ?? reader.store.loadRecords(repair: false))
    }

    /// Renders and writes the page now; returns the seconds it took.
    @discardableResult
    public func write(_ records: [TrialRecord]) throws -> Double {
        let start = monotonicSeconds()
        let html = HTMLReport.render(try reader.model(records: records))
        try DurableFiles.writeAtomically(Data(html.utf8), to: path)
        let end = monotonicSeconds()
        lock.withLock {
            lastWrite = end
            lastCost = end - start
            writes += 1
        }
        return end - start
    }
}
