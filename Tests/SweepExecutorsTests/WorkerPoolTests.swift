import XCTest
@testable import SweepExecutors

/// Records what the pool reports.
actor RecordingSink: TrialSink {
    var finished: [String] = []
    var failures: [(id: String, reason: String, willRetry: Bool)] = []
    var epochs: [String: Int] = [:]
    var attemptsStarted: [String: [Int]] = [:]

    func started(_ ticket: TrialTicket, pid: Int32) { attemptsStarted[ticket.id, default: []].append(ticket.attempt) }
    func epoch(_ ticket: TrialTicket, payload: String) { epochs[ticket.id, default: 0] += 1 }
    func finished(_ ticket: TrialTicket, payload: String, pid: Int32) {
        XCTAssertEqual(payload, "done \(ticket.id)")
        finished.append(ticket.id)
    }
    func failed(_ ticket: TrialTicket, reason: String, stderrTail: [String], willRetry: Bool) {
        failures.append((ticket.id, reason, willRetry))
    }
}

/// Scheduling, retries and timeouts on the in-process twin of the worker processes.
final class WorkerPoolTests: XCTestCase {
    func tickets(_ n: Int) -> [TrialTicket] {
        (0..<n).map { TrialTicket(id: "t\($0)", attempt: 1, payload: "{}") }
    }

    /// A launcher whose trials emit two epochs and succeed, except as `fault` says.
    func launcher(fault: @escaping @Sendable (TrialTicket) async throws -> Void = { _ in }) -> InProcessLauncher {
        InProcessLauncher { index in
            WorkerService(pid: Int32(1000 + index)) { ticket, emit in
                emit("{\"epoch\":1}")
                try await fault(ticket)
                emit("{\"epoch\":2}")
                return "done \(ticket.id)"
            }
        }
    }

    func testEveryTrialRunsOnceAcrossWorkers() async throws {
        let sink = RecordingSink()
        let pool = WorkerPool(launcher: launcher(), workers: 3, trialTimeout: .seconds(10))
        try await pool.run(TrialQueue(tickets(10), retries: 1), sink: sink)
        let finished = await sink.finished
        XCTAssertEqual(finished.sorted(), (0..<10).map { "t\($0)" }.sorted())
        let failures = await sink.failures
        XCTAssertTrue(failures.isEmpty)
        let epochs = await sink.epochs
        XCTAssertEqual(epochs.values.reduce(0, +), 20)
    }

    func testCrashedAttemptIsRetriedThenSucceeds() async throws {
        let sink = RecordingSink()
        let pool = WorkerPool(launcher: launcher { t in
            if t.id == "t2" && t.attempt == 1 { throw SimulatedCrash() }
        }, workers: 2, trialTimeout: .seconds(10))
        try await pool.run(TrialQueue(tickets(5), retries: 1), sink: sink)
        let finished = await sink.finished, failures = await sink.failures
        XCTAssertEqual(finished.sorted(), ["t0", "t1", "t2", "t3", "t4"])
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(failures.first?.id, "t2")
        XCTAssertEqual(failures.first?.willRetry, true)
        let attempts = await sink.attemptsStarted
        XCTAssertEqual(attempts["t2"], [1, 2])
    }

    func testTrialThatAlwaysCrashesFailsAfterRetriesAndOthersFinish() async throws {
        let sink = RecordingSink()
        let pool = WorkerPool(launcher: launcher { t in
            if t.id == "t1" { throw SimulatedCrash() }
        }, workers: 2, trialTimeout: .seconds(10))
        try await pool.run(TrialQueue(tickets(4), retries: 2), sink: sink)
        let finished = await sink.finished, failures = await sink.failures
        XCTAssertEqual(finished.sorted(), ["t0", "t2", "t3"])
        XCTAssertEqual(failures.map(\.id), ["t1", "t1", "t1"])
        XCTAssertEqual(failures.map(\.willRetry), [true, true, false])
        XCTAssertTrue(failures[0].reason.contains("during attempt 1"), failures[0].reason)
    }

    func testHungTrialIsKilledAtTheTimeLimit() async throws {
        let sink = RecordingSink()
        let pool = WorkerPool(launcher: launcher { t in
            if t.id == "t0" { try await Task.sleep(for: .seconds(30)) }
        }, workers: 1, trialTimeout: .milliseconds(200))
        let start = ContinuousClock.now
        try await pool.run(TrialQueue(tickets(2), retries: 0), sink: sink)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(10))
        let finished = await sink.finished, failures = await sink.failures
        XCTAssertEqual(finished, ["t1"])
        XCTAssertEqual(failures.count, 1)
        XCTAssertTrue(failures[0].reason.contains("timed out"), failures[0].reason)
        XCTAssertFalse(failures[0].willRetry)
    }

    func testRejectedTrialIsNotRetried() async throws {
        struct Bad: Error, CustomStringConvertible { var description: String { "batch of one sample" } }
        let sink = RecordingSink()
        let pool = WorkerPool(launcher: launcher { t in if t.id == "t0" { throw Bad() } },
                              workers: 1, trialTimeout: .seconds(10))
        try await pool.run(TrialQueue(tickets(2), retries: 3), sink: sink)
        let failures = await sink.failures
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(failures.first?.reason, "batch of one sample")
        XCTAssertEqual(failures.first?.willRetry, false)
        let finished = await sink.finished
        XCTAssertEqual(finished, ["t1"])
    }

    func testTrialCutOffByAStopIsNeitherFailedNorRetried() async throws {
        let sink = RecordingSink()
        let queue = TrialQueue(tickets(2), retries: 1)
        // t0's worker dies after the queue was stopped (as Ctrl-C stops the workers).
        let pool = WorkerPool(launcher: launcher { t in
            if t.id == "t0" {
                await queue.stop()
                throw SimulatedCrash()
            }
        }, workers: 1, trialTimeout: .seconds(10))
        try await pool.run(queue, sink: sink)
        let failures = await sink.failures, finished = await sink.finished
        XCTAssertTrue(failures.isEmpty, "an interrupted trial was reported failed: \(failures)")
        XCTAssertEqual(finished, [])
        let attempts = await sink.attemptsStarted
        XCTAssertEqual(attempts, ["t0": [1]])
    }

    func testStoppedQueueHandsOutNothingMore() async throws {
        let queue = TrialQueue(tickets(3), retries: 1)
        let first = await queue.next()
        XCTAssertEqual(first?.id, "t0")
        await queue.stop()
        let next = await queue.next()
        XCTAssertNil(next)
        let retry = await queue.retry(after: TrialTicket(id: "t0", attempt: 1, payload: "{}"))
        XCTAssertNil(retry)
    }
}
