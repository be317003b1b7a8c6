import Foundation
import SweepData
import SweepFeatureCache
import SweepTensor

/// What the live status line of a running sweep shows.
public struct SweepStatus: Sendable, Equatable {
    /// Trials in the plan.
    public var total: Int
    /// Trials with a record.
    public var done = 0
    /// Trials on a worker now.
    public var running = 0
    /// Trials recorded `failed`.
    public var failed = 0
    /// Trials finished before this run started (resumed sweeps).
    public var resumed = 0
    /// e.g. "f1_samples 0.8712 (dropout=0.3 lr=0.001 t_max=5 depth=2)".
    public var best: String?
    /// Seconds since this run started.
    public var elapsed: Double = 0

    /// Nothing done yet out of `total`.
    public init(total: Int) { self.total = total }

    /// Seconds left, from the pace of the trials finished in this run; nil before the first.
    public var eta: Double? {
        let finishedHere = done - resumed
        guard finishedHere > 0, total > done else { return total == done ? 0 : nil }
        return elapsed / Double(finishedHere) * Double(total - done)
    }

    /// One line, e.g. `trials 12/54 · 2 running · 0 failed · best … · 1:23 elapsed · ETA 4:10`.
    public var line: String {
        var parts = ["trials \(done)/\(total)", "\(running) running", "\(failed) failed"]
        if let best { parts.append("best \(best)") }
        parts.append("\(Self.clock(elapsed)) elapsed")
        if let eta { parts.append("ETA \(Self.clock(eta))") }
        return parts.joined(separator: " · ")
    }

    /// `m:ss` or `h:mm:ss`, as the feature extraction's progress shows it.
    public static func clock(_ seconds: Double) -> String { FeatureCacheProgressRenderer.duration(seconds) }
}

/// Shows progress on stderr: a redrawn line on a terminal, plain log lines otherwise.
public final class StatusDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal: Bool
    private let write: @Sendable (String) -> Void
    private var lineShown = false
    private var finished = false
    private var lastDraw = 0.0

    /// - Parameters:
    ///   - isTerminal: default: whether stderr is a TTY.
    ///   - write: where the text goes (default: stderr).
    public init(isTerminal: Bool = isatty(STDERR_FILENO) == 1,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.isTerminal = isTerminal
        self.write = write
    }

    /// Redraws the status line (terminal only; plain output prints events instead), at most
    /// four times a second unless `force`; never after `finish()` (workers still reporting
    /// as they stop must not redraw it under the last message).
    public func update(_ status: SweepStatus, force: Bool = false) {
        guard isTerminal else { return }
        lock.withLock {
            guard !finished else { return }
            let now = monotonicSeconds()
            guard force || !lineShown || now - lastDraw >= 0.25 else { return }
            lastDraw = now
            write("\r\u{1B}[K" + status.line)
            lineShown = true
        }
    }

    /// Prints a log line above the status line (or as a plain line).
    public func log(_ message: String) {
        lock.withLock {
            let prefix = (isTerminal && lineShown) ? "\r\u{1B}[K" : ""
            write(prefix + message + "\n")
            lineShown = false
        }
    }

    /// Ends the status line so later output starts on a fresh line; no status line is drawn after.
    public func finish() {
        lock.withLock {
            if isTerminal && lineShown { write("\n") }
            lineShown = false
            finished = true
        }
    }
}
