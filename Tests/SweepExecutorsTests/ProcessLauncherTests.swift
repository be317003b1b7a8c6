import Foundation
import XCTest
@testable import SweepExecutors

/// The real process launcher, driven with a small bash worker that speaks the line protocol.
final class ProcessLauncherTests: XCTestCase {
    /// A worker script: ready; for each trial, one epoch then finished; trial "die" makes it
    /// print to stderr and SIGKILL itself; trial "hang" sleeps.
    static let script = #"""
    echo "{\"ready\":{\"pid\":$$}}"
    while IFS= read -r line; do
      id=$(printf '%s' "$line" | sed -E 's/.*"id":"([^"]*)".*/\1/')
      attempt=$(printf '%s' "$line" | sed -E 's/.*"attempt":([0-9]+).*/\1/')
      echo "{\"epoch\":{\"trial\":\"$id\",\"payload\":\"e1\"}}"
      if [ "$id" = "die" ] && [ "$attempt" = "1" ]; then echo "about to crash on $id" >&2; kill -9 $$; fi
      if [ "$id" = "hang" ]; then sleep 30; fi
      echo "{\"finished\":{\"trial\":\"$id\",\"payload\":\"done $id\"}}"
    done
    """#

    func launcher() -> ProcessLauncher {
        ProcessLauncher(executable: "/bin/bash", arguments: { _ in ["-c", Self.script] })
    }

    func testProcessesRunTrialsAndSurviveAKilledWorker() async throws {
        let sink = RecordingSink()
        let pool = WorkerPool(launcher: launcher(), workers: 2, trialTimeout: .seconds(20))
        let tickets = ["a", "die", "b", "c"].map { TrialTicket(id: $0, attempt: 1, payload: "{}") }
        try await pool.run(TrialQueue(tickets, retries: 1), sink: sink)
        let finished = await sink.finished.sorted(), failures = await sink.failures
        XCTAssertEqual(finished, ["a", "b", "c", "die"])
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(failures.first?.id, "die")
        XCTAssertTrue(failures.first?.reason.contains("signal 9") ?? false, failures.first?.reason ?? "")
        XCTAssertEqual(failures.first?.willRetry, true)
    }

    func testStderrTailReachesTheFailureAndHungWorkerIsKilled() async throws {
        actor TailSink: TrialSink {
            var tails: [[String]] = []
            var reasons: [String] = []
            func started(_ ticket: TrialTicket, pid: Int32) {}
            func epoch(_ ticket: TrialTicket, payload: String) {}
            func finished(_ ticket: TrialTicket, payload: String, pid: Int32) {}
            func failed(_ ticket: TrialTicket, reason: String, stderrTail: [String], willRetry: Bool) {
                tails.append(stderrTail)
                reasons.append(reason)
            }
        }
        let sink = TailSink()
        let pool = WorkerPool(launcher: launcher(), workers: 1, trialTimeout: .milliseconds(500))
        let tickets = ["die", "hang"].map { TrialTicket(id: $0, attempt: 1, payload: "{}") }
        let start = ContinuousClock.now
        try await pool.run(TrialQueue(tickets, retries: 0), sink: sink)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(15))
        let tails = await sink.tails, reasons = await sink.reasons
        XCTAssertEqual(tails.count, 2)
        XCTAssertEqual(tails.first, ["about to crash on die"])
        XCTAssertTrue(reasons[1].contains("timed out"), reasons[1])
    }
}
