import Foundation

/// Receives what the workers report. Calls arrive from several slots concurrently.
public protocol TrialSink: Sendable {
    /// A worker started a trial.
    func started(_ ticket: TrialTicket, pid: Int32) async
    /// One epoch of a trial ended.
    func epoch(_ ticket: TrialTicket, payload: String) async
    /// A trial ended normally (complete or diverged, as its payload says).
    func finished(_ ticket: TrialTicket, payload: String, pid: Int32) async
    /// An attempt failed: the worker died, was killed, timed out, or rejected the trial.
    /// `willRetry` tells whether another attempt was queued.
    func failed(_ ticket: TrialTicket, reason: String, stderrTail: [String], willRetry: Bool) async
    /// A worker started a trial at `date` (executors that learn of a start late, from a claim file).
    func started(_ ticket: TrialTicket, pid: Int32, at date: Date) async
    /// A trial ended normally at `date` (executors that learn of it late, from an outcome file).
    func finished(_ ticket: TrialTicket, payload: String, pid: Int32, at date: Date) async
    /// Several trials ended normally (an executor that collects outcomes in batches); a sink
    /// may commit them together (one sync, one leaderboard rewrite).
    func finished(_ attempts: [FinishedAttempt]) async
}

/// One attempt that ended normally, as `TrialSink.finished(_:)` receives it in a batch.
public struct FinishedAttempt: Sendable {
    /// The attempt.
    public var ticket: TrialTicket
    /// The outcome's JSON.
    public var payload: String
    /// The worker process.
    public var pid: Int32
    /// When it ended.
    public var date: Date

    /// An attempt that ended at `date`.
    public init(ticket: TrialTicket, payload: String, pid: Int32, date: Date) {
        self.ticket = ticket
        self.payload = payload
        self.pid = pid
        self.date = date
    }
}

extension TrialSink {
    /// Defaults to `started(_:pid:)` (the time is when the sink hears it).
    public func started(_ ticket: TrialTicket, pid: Int32, at date: Date) async { await started(ticket, pid: pid) }
    /// Defaults to `finished(_:payload:pid:)`.
    public func finished(_ ticket: TrialTicket, payload: String, pid: Int32, at date: Date) async {
        await finished(ticket, payload: payload, pid: pid)
    }
    /// Defaults to one `finished(_:payload:pid:at:)` per attempt.
    public func finished(_ attempts: [FinishedAttempt]) async {
        for a in attempts { await finished(a.ticket, payload: a.payload, pid: a.pid, at: a.date) }
    }
}

/// An error that stops the whole pool (e.g. workers that cannot even start).
public struct WorkerPoolError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The last stderr lines of the last worker.
    public var stderrTail: [String]
    /// The message and the stderr tail, indented.
    public var description: String {
        ([message] + stderrTail.suffix(10).map { "  | \($0)" }).joined(separator: "\n")
    }
}

/// Runs trials on `workers` worker slots. Each slot keeps one worker alive and hands it one
/// trial at a time; a worker that dies, is killed or exceeds the time limit is replaced and
/// its trial retried (see `TrialQueue`).
public struct WorkerPool: Sendable {
    /// Starts the workers.
    public var launcher: any WorkerLauncher
    /// Worker slots run at once.
    public var workers: Int
    /// Wall-clock limit per trial attempt.
    public var trialTimeout: Duration
    /// Workers that exit before taking any trial, in a row, before the pool gives up.
    public var maxStartupFailures = 3
    /// Running attempts by trial, and the trials asked to stop.
    let stops = StopRequests()

    /// A pool of `workers` slots whose trial attempts may last `trialTimeout`.
    public init(launcher: any WorkerLauncher, workers: Int, trialTimeout: Duration) {
        self.launcher = launcher
        self.workers = max(1, workers)
        self.trialTimeout = trialTimeout
    }

    /// Runs until the queue is empty or stopped. Throws `WorkerPoolError` when workers cannot start.
    public func run(_ queue: TrialQueue, sink: any TrialSink) async throws {
        await stops.attach(queue: queue, sink: sink)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<workers {
                group.addTask { try await runSlot(index, queue: queue, sink: sink) }
            }
            do {
                try await group.waitForAll()
            } catch {
                await queue.stop()
                group.cancelAll()
                throw error
            }
        }
    }

    /// What one worker's life ended with.
    enum SlotEnd: Sendable {
        case drained
        case died(TrialTicket?, timedOut: Bool)
    }

    func runSlot(_ index: Int, queue: TrialQueue, sink: any TrialSink) async throws {
        var startupFailures = 0
        while !(await queue.isStopped), await queue.remaining > 0 {
            let exit = try await launcher.withWorker(index: index) { connection -> SlotEnd in
                try await serve(connection, queue: queue, sink: sink)
            }
            switch exit.value {
            case .drained?:
                return
            case .died(let ticket?, let timedOut)?:
                // Stopped (Ctrl-C) while this trial ran: the worker was stopped with it, so the
                // trial is unfinished, not failed; a rerun of the sweep runs it again.
                if await queue.isStopped { return }
                startupFailures = 0
                if let stopped = await stops.reason(ticket.id) {
                    await sink.failed(ticket, reason: "stopped: \(stopped)", stderrTail: exit.stderrTail, willRetry: false)
                    continue
                }
                let reason = timedOut
                    ? "timed out after \(trialTimeout) (attempt \(ticket.attempt)); worker killed"
                    : "worker \(exit.status) during attempt \(ticket.attempt)"
                let retry = await queue.retry(after: ticket)
                await sink.failed(ticket, reason: reason, stderrTail: exit.stderrTail, willRetry: retry != nil)
            case .died(nil, _)?, nil:
                startupFailures += 1
                if startupFailures >= maxStartupFailures {
                    throw WorkerPoolError(message: "workers exit before taking a trial (\(exit.status))",
                                          stderrTail: exit.stderrTail)
                }
            }
        }
    }

    /// Feeds one worker trials until the queue is empty or the worker dies.
    func serve(_ connection: any WorkerConnection, queue: TrialQueue, sink: any TrialSink) async throws -> SlotEnd {
        guard let first = try? await connection.receive(),
              case .ready? = try? WorkerCodec.decode(FromWorker.self, from: first) else {
            return .died(nil, timedOut: false)
        }
        while let ticket = await queue.next() {
            do {
                try await connection.send(try WorkerCodec.encode(ToWorker.run(ticket)))
            } catch {
                return .died(ticket, timedOut: false)
            }
            await sink.started(ticket, pid: connection.pid)
            guard await stops.running(ticket.id, on: connection) else {
                await connection.kill()
                return .died(ticket, timedOut: false)
            }
            // One flag per attempt: a watchdog firing as its trial ends must not be charged to
            // the next trial, so it re-checks that it was not cancelled before killing.
            let flag = TimeoutFlag()
            let timeout = trialTimeout
            let watchdog = Task {
                try await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                flag.set()
                await connection.kill()
            }
            defer { watchdog.cancel() }
            var ended = false
            while !ended {
                guard let line = try? await connection.receive() else {
                    return .died(ticket, timedOut: flag.isSet)
                }
                guard let message = try? WorkerCodec.decode(FromWorker.self, from: line) else { continue }
                switch message {
                case .epoch(let id, let payload) where id == ticket.id:
                    await sink.epoch(ticket, payload: payload)
                case .finished(let id, let payload) where id == ticket.id:
                    await sink.finished(ticket, payload: payload, pid: connection.pid)
                    ended = true
                case .rejected(let id, let reason) where id == ticket.id:
                    await sink.failed(ticket, reason: reason, stderrTail: [], willRetry: false)
                    ended = true
                default:
                    continue
                }
            }
            await stops.ended(ticket.id)
        }
        return .drained
    }
}

extension WorkerPool {
    /// Stops trial `id`: a waiting ticket is withdrawn, a running attempt's worker is killed
    /// (and replaced); either way the sink hears `failed(…, "stopped: <reason>", willRetry: false)`.
    public func stop(trial id: String, reason: String) async {
        await stops.stop(id, reason: reason)
    }
}

/// The connections of running attempts by trial id, and the stop requests (see `WorkerPool.stop`).
actor StopRequests {
    private var queue: TrialQueue?
    private var sink: (any TrialSink)?
    private var connections: [String: any WorkerConnection] = [:]
    private var reasons: [String: String] = [:]

    func attach(queue: TrialQueue, sink: any TrialSink) {
        self.queue = queue
        self.sink = sink
    }

    /// Registers a started attempt; false when its trial was asked to stop meanwhile.
    func running(_ id: String, on connection: any WorkerConnection) -> Bool {
        guard reasons[id] == nil else { return false }
        connections[id] = connection
        return true
    }

    func ended(_ id: String) { connections[id] = nil }

    func reason(_ id: String) -> String? { reasons[id] }

    func stop(_ id: String, reason: String) async {
        guard reasons[id] == nil else { return }
        reasons[id] = reason
        if let waiting = await queue?.withdraw(id) {
            await sink?.failed(waiting, reason: "stopped: \(reason)", stderrTail: [], willRetry: false)
        } else if let connection = connections[id] {
            await connection.kill()
        }
    }
}

/// Set by a watchdog when it killed a worker for exceeding the time limit.
final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
