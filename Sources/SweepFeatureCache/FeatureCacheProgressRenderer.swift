import Foundation
import SweepData

/// Shows feature-cache events on a terminal: on a TTY one progress line redrawn in place;
/// otherwise (a log file, CI) a plain progress line at most every `plainLineInterval`
/// seconds plus the last one. Warnings and other events are always whole lines.
public final class FeatureCacheProgressRenderer {
    private let isTerminal: Bool
    private let plainLineInterval: Double
    private let write: (String) -> Void
    private var lineOpen = false
    private var lastPlainLine: Double?

    /// - Parameters:
    ///   - isTerminal: redraw in place (default: whether standard error is a TTY).
    ///   - plainLineInterval: minimum seconds between progress lines when not a terminal.
    ///   - write: where text goes (default: standard error).
    public init(isTerminal: Bool = isatty(STDERR_FILENO) == 1, plainLineInterval: Double = 10,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.isTerminal = isTerminal
        self.plainLineInterval = plainLineInterval
        self.write = write
    }

    /// Renders one event; pass it as the cache's `onEvent`.
    public func handle(_ event: FeatureCacheEvent) {
        switch event {
        case .progress(let p):
            if isTerminal {
                write("\r\u{1B}[2K" + Self.describe(p))
                lineOpen = true
            } else if lastPlainLine.map({ p.elapsedSeconds - $0 >= plainLineInterval }) ?? true || p.done == p.total {
                write(Self.describe(p) + "\n")
                lastPlainLine = p.elapsedSeconds
            }
        case .reused(let key):
            line("features: reusing cache \(key.prefix(12))")
        case .waitingForLock(let key):
            line("features: waiting for another process extracting \(key.prefix(12))")
        case .rebuilding(let key, let reason):
            line("warning: feature cache \(key.prefix(12)): \(reason); rebuilding")
        case .started(let key, let done, let total):
            let resumed = done > 0 ? ", resuming after \(done) already done" : ""
            line("features: extracting \(total) images into cache \(key.prefix(12))\(resumed)")
        case .finished(let key, let extracted, let seconds):
            line("features: done, \(extracted) images extracted (\(Self.duration(seconds)) in total), cache \(key.prefix(12))")
        }
    }

    /// Writes a whole line, first ending a progress line that is being redrawn.
    private func line(_ text: String) {
        if lineOpen { write("\n") }
        lineOpen = false
        write(text + "\n")
    }

    /// "features 480/2000 (24%)  41.2 img/s  ETA 0:37"
    public static func describe(_ p: FeatureCacheProgress) -> String {
        let percent = p.total > 0 ? 100 * p.done / p.total : 100
        let rate = String(format: "%.1f", p.imagesPerSecond)
        let eta = p.etaSeconds.map(duration) ?? "?"
        return "features \(p.done)/\(p.total) (\(percent)%)  \(rate) img/s  ETA \(eta)"
    }

    /// Seconds as m:ss or h:mm:ss.
    public static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        let (h, m, r) = (s / 3600, s / 60 % 60, s % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, r) : String(format: "%d:%02d", m, r)
    }
}
