/// The trials still to run, handed out one at a time to worker slots, with retries.
public actor TrialQueue {
    private var pending: [TrialTicket]
    private let retries: Int
    private var stopped = false
    /// Asked for the next first attempt when nothing waits (searches that propose trials as
    /// workers free up); nil when it has no more.
    private var source: (@Sendable () async -> TrialTicket?)?
    /// True once `source` had no more.
    private var sourceDone = false

    /// - Parameters:
    ///   - tickets: first attempts, in the order they should run.
    ///   - retries: extra attempts a trial gets after a crash, kill or timeout.
    public init(_ tickets: [TrialTicket], retries: Int) {
        pending = tickets
        self.retries = retries
    }

    /// Takes further first attempts from `source` once the given tickets are handed out.
    public func feed(from source: @escaping @Sendable () async -> TrialTicket?) { self.source = source }

    /// The next trial to run, or nil when there is none or the queue was stopped.
    public func next() async -> TrialTicket? {
        if stopped { return nil }
        if pending.isEmpty, let source, !sourceDone {
            let ticket = await source()
            if ticket == nil { sourceDone = true }
            return stopped ? nil : ticket
        }
        if pending.isEmpty { return nil }
        return pending.removeFirst()
    }

    /// Records a failed attempt; returns the retry (queued first) or nil when retries are used up.
    public func retry(after failed: TrialTicket) -> TrialTicket? {
        guard failed.attempt <= retries, !stopped else { return nil }
        var again = failed
        again.attempt += 1
        pending.insert(again, at: 0)
        return again
    }

    /// Removes trial `id`'s waiting ticket (a stop request) and returns it; nil when none waits.
    public func withdraw(_ id: String) -> TrialTicket? {
        guard let i = pending.firstIndex(where: { $0.id == id }) else { return nil }
        return pending.remove(at: i)
    }

    /// Hands out nothing more (Ctrl-C, or a fatal error).
    public func stop() { stopped = true }

    /// True once `stop()` was called.
    public var isStopped: Bool { stopped }

    /// Trials not yet handed out (a source that may have more counts as one).
    public var remaining: Int { pending.count + (source != nil && !sourceDone ? 1 : 0) }
}
