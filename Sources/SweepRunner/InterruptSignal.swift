import Dispatch
import Foundation

/// Ctrl-C (SIGINT) and SIGTERM as an event the orchestrator can await. The first signal asks
/// for a clean stop (workers stopped, finished trials kept); a second one exits at once.
public final class InterruptSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var count = 0
    private var exitMessage: String?

    /// Installs handlers for `signals` (default SIGINT and SIGTERM).
    public init(signals: [Int32] = [SIGINT, SIGTERM]) {
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.fire(sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// A signal that never fires by itself (tests call `fire`).
    public static func manual() -> InterruptSignal { InterruptSignal(signals: []) }

    /// While set, a signal prints `message` and exits at once with status 130 (for phases whose
    /// work survives a kill anyway, e.g. feature extraction, which resumes); nil restores the
    /// clean stop.
    public func exitImmediately(saying message: String?) {
        lock.withLock { exitMessage = message }
    }

    /// True once a signal arrived.
    public var fired: Bool { lock.withLock { count > 0 } }

    /// Delivers a signal.
    public func fire(_ sig: Int32 = SIGINT) {
        let (waiting, times, message) = lock.withLock { () -> ([CheckedContinuation<Void, Never>], Int, String?) in
            count += 1
            let w = waiters
            waiters = []
            return (w, count, exitMessage)
        }
        if let message {
            FileHandle.standardError.write(Data("\n\(message)\n".utf8))
            exit(130)
        }
        if times >= 2 {
            FileHandle.standardError.write(Data("\nsecond interrupt: exiting now\n".utf8))
            exit(130)
        }
        for w in waiting { w.resume() }
    }

    /// Returns when a signal arrives (at once if one already did).
    public func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if count > 0 { return true }
                waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
}
