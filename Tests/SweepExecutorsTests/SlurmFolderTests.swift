import Foundation
import XCTest
import SweepData
@testable import SweepExecutors

/// The shared-folder queue of the Slurm executor, without Slurm: exclusive claims, every
/// ticket run once by many concurrent workers, outcomes renamed into place, clean-up; and the
/// pure parts of the driver (shard ranges, sbatch arguments, the lease).
final class SlurmFolderTests: XCTestCase {
    var root = URL(fileURLWithPath: "/nonexistent")

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func folder() throws -> SlurmFolder {
        let f = SlurmFolder(root.appendingPathComponent("slurm").path)
        try f.create()
        return f
    }

    func claim(_ job: String) -> SlurmFolder.Claim { Self.claim(job) }

    static func claim(_ job: String) -> SlurmFolder.Claim {
        SlurmFolder.Claim(job: job, rawJobID: job, host: "h", pid: 1, claimed: Date())
    }

    func testExactlyOneOfManyConcurrentClaimsWins() throws {
        let f = try folder()
        let wins = Counter()
        DispatchQueue.concurrentPerform(iterations: 32) { i in
            if (try? f.claim("abc", attempt: 1, as: Self.claim("job\(i)"))) == true { wins.add() }
        }
        XCTAssertEqual(wins.value, 1)
        let claims = f.claimsByAttempt()
        XCTAssertEqual(claims.count, 1)
        XCTAssertNotNil(claims["abc.1.json"] ?? nil, "the winner's claim is readable")
        XCTAssertEqual(try f.claim("abc", attempt: 2, as: claim("x")), true, "another attempt is another claim")
    }

    func testTicketsListInPlanOrderAndIgnoreTemporaries() throws {
        let f = try folder()
        for (seq, id) in [(2, "c"), (0, "a"), (10, "b")] {
            try f.enqueue(TrialTicket(id: id, attempt: 1, payload: "{}"), seq: seq)
        }
        try f.enqueue(TrialTicket(id: "a", attempt: 2, payload: "{}"), seq: 0)
        FileManager.default.createFile(atPath: f.queueDir + "/00000001.z.1.json.tmp-99", contents: Data())
        XCTAssertEqual(f.tickets().map { "\($0.id)\($0.attempt)" }, ["a1", "a2", "c1", "b1"])
        XCTAssertEqual(f.readTicket(f.tickets()[1])?.attempt, 2)
    }

    /// Four workers on one folder of 40 tickets: each trial runs exactly once, each has an
    /// outcome, and the workers exit once the queue stays empty.
    func testConcurrentWorkersRunEveryTicketOnce() async throws {
        let f = try folder()
        for i in 0..<40 { try f.enqueue(TrialTicket(id: "t\(i)", attempt: 1, payload: "{}"), seq: i) }
        let runs = RunCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                let identity = QueueWorker.Identity(job: "7_\(w)", rawJobID: "\(10 + w)", host: "node", pid: Int32(100 + w))
                let worker = QueueWorker(folder: f, identity: identity, poll: 0.01, linger: 0.3, log: { _ in }) { ticket, emit in
                    await runs.ran(ticket.id)
                    emit("{\"epoch\":0}")
                    try await Task.sleep(for: .milliseconds(Int64.random(in: 0...5)))
                    return "done \(ticket.id)"
                }
                group.addTask { await worker.serve() }
            }
            try await group.waitForAll()
        }
        let counts = await runs.counts
        XCTAssertEqual(counts.count, 40)
        XCTAssertTrue(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
        for i in 0..<40 {
            let outcome = f.outcome("t\(i)", attempt: 1)
            XCTAssertEqual(outcome?.result, .finished(payload: "done t\(i)"))
            XCTAssertEqual(f.progress("t\(i)", attempt: 1), ["{\"epoch\":0}"])
        }
        XCTAssertEqual(Set(f.claimsByAttempt().values.compactMap { $0?.job }).count > 1, true, "work was shared")
        f.remove(trials: Set((0..<40).map { "t\($0)" }))
        XCTAssertTrue(f.tickets().isEmpty)
        XCTAssertTrue(f.claimsByAttempt().isEmpty)
        XCTAssertTrue(f.outcomeNames().isEmpty)
    }

    /// Workers skip what is stopped, finished or cancelled.
    func testWorkersSkipStoppedAndFinishedTicketsAndExitWhenCancelled() async throws {
        let f = try folder()
        for (i, id) in ["stopped", "finished", "free"].enumerated() {
            try f.enqueue(TrialTicket(id: id, attempt: 1, payload: "{}"), seq: i)
        }
        try f.requestStop("stopped", reason: "pruned")
        try f.writeOutcome(.init(id: "finished", attempt: 1, claim: claim("1"), ended: Date(), result: .finished(payload: "x")))
        let runs = RunCounter()
        let worker = QueueWorker(folder: f, identity: .init(job: "1", rawJobID: "1", host: "h", pid: 1), poll: 0.01, linger: 0.2,
                                 log: { _ in }) { ticket, _ in
            await runs.ran(ticket.id)
            return "ok"
        }
        await worker.serve()
        let ran = await runs.counts
        XCTAssertEqual(ran, ["free": 1])
        try DurableFiles.writeAtomically(Data(), to: f.cancelledMarker)
        try f.enqueue(TrialTicket(id: "late", attempt: 1, payload: "{}"), seq: 9)
        await worker.serve()
        let after = await runs.counts
        XCTAssertNil(after["late"], "a cancelled sweep's worker takes nothing")
    }

    func testShardRangesAreAlignedAndCoverEveryRow() {
        for (count, shards) in [(40, 4), (32, 4), (2000, 7), (5, 3), (64, 1), (100, 100)] {
            let r = ShardPlan.ranges(count: count, shards: shards)
            XCTAssertEqual(r.first?[0], 0)
            XCTAssertEqual(r.last?[1], count)
            for (a, b) in zip(r, r.dropFirst()) { XCTAssertEqual(a[1], b[0]) }
            for s in r.dropLast() { XCTAssertEqual(s[1] % ShardPlan.alignment, 0, "\(count)/\(shards): \(r)") }
            XCTAssertLessThanOrEqual(r.count, shards)
        }
        XCTAssertEqual(ShardPlan.ranges(count: 32, shards: 4), [[0, 8], [8, 16], [16, 24], [24, 32]])
    }

    func testSbatchArguments() {
        let s = SlurmSubmission(name: "sweep-x-1", script: "#!/bin/sh\n", arrayIndices: [0, 1, 2, 5, 7, 8], output: "l/%A_%a.log",
                                workingDirectory: "/w", options: ["--cpus-per-task=2", "--qos=q"],
                                environment: ["OPENBLAS_NUM_THREADS": "2"], throttle: 3)
        XCTAssertEqual(s.arguments, ["--parsable", "--job-name=sweep-x-1", "--output=l/%A_%a.log", "--chdir=/w",
                                     "--array=0-2,5,7-8%3", "--cpus-per-task=2", "--qos=q", "--export=ALL,OPENBLAS_NUM_THREADS=2"])
        XCTAssertEqual(SlurmExecutor.script(["/bin/sweep", "worker", "it's", "$SLURM_ARRAY_TASK_ID"]),
                       "#!/bin/sh\nexec '/bin/sweep' 'worker' 'it'\\''s' \"$SLURM_ARRAY_TASK_ID\"\n")
    }

    func testALiveDriversLeaseIsRefusedAndADeadOnesTakenOver() throws {
        let path = root.appendingPathComponent("driver.json").path
        let lease = DriverLease(path: path, staleAfter: 60)
        // A live process on this host (our parent) holds it.
        let other = DriverLease.Holder(host: ProcessInfo.processInfo.hostName, pid: getppid(), since: Date(), heartbeat: Date())
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(other), to: path)
        XCTAssertThrowsError(try lease.acquire()) { XCTAssertTrue("\($0)".contains("pid \(getppid())"), "\($0)") }
        // Another host whose heartbeat is fresh, then stale.
        var remote = DriverLease.Holder(host: "login2", pid: 1, since: Date(), heartbeat: Date())
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(remote), to: path)
        XCTAssertThrowsError(try lease.acquire())
        remote.heartbeat = Date().addingTimeInterval(-120)
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(remote), to: path)
        XCTAssertNoThrow(try lease.acquire())
        XCTAssertEqual(DriverLease.holder(at: path)?.pid, getpid())
        lease.release()
        XCTAssertNil(DriverLease.holder(at: path))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}

actor RunCounter {
    var counts: [String: Int] = [:]
    func ran(_ id: String) { counts[id, default: 0] += 1 }
}
