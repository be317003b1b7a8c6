import Foundation
import SweepCore
import SweepData
@testable import SweepReport
import SweepRunner
import XCTest

/// The reader: a results folder to a report model.
final class ReportReaderTests: XCTestCase {
    func testModelOfAHandMadeFolder() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        let model = try fixture.model()
        // The leaderboard is the CSV's, row for row and cell for cell.
        let csv = Leaderboard(plan: fixture.plan).csv(fixture.records)
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(model.leaderboard.header, lines[0])
        XCTAssertEqual(model.leaderboard.rows, Array(lines.dropFirst()))
        XCTAssertEqual(model.configurations.map(\.id), model.leaderboard.rows.map { $0[1] }, "configurations in leaderboard order")
        XCTAssertEqual(model.configurations.map(\.rank), Array(1...6))
        XCTAssertEqual(model.configurations.map { $0.runs.count }, [1, 1, 1, 1, 1, 1], "one run per configuration today")
        let t = fixture.plan.trials
        XCTAssertEqual(model.configurations.map(\.id), [t[1].id, t[0].id, t[5].id, t[2].id, t[3].id, t[4].id])
        XCTAssertEqual(model.configurations[0].objective, Aggregate([try XCTUnwrap(fixture.records[1].objective)]))
        XCTAssertEqual(model.configurations[3].objective.n, 0, "a pruned run does not count as a result")
        // Progress, failures, provenance.
        XCTAssertEqual(model.progress.planned, 6)
        XCTAssertEqual(model.progress.counts, [.complete: 3, .pruned: 1, .diverged: 1, .failed: 1])
        XCTAssertEqual(model.progress.trialSeconds, 15, accuracy: 1e-9)
        XCTAssertEqual(model.progress.wallSeconds, 17.5, accuracy: 1e-6)
        XCTAssertEqual(model.failures.map(\.id), [t[2].id, t[3].id, t[4].id])
        XCTAssertEqual(model.failures.last?.reason, "timed out after 8.0 seconds")
        XCTAssertTrue(model.failures[1].reason.contains("after epoch 0"), model.failures[1].reason)
        XCTAssertTrue(model.provenance.syntheticData)
        XCTAssertTrue(model.provenance.randomTrunk)
        XCTAssertEqual(model.provenance.featureCacheKey, "abc123")
        XCTAssertEqual(model.provenance.trunk, "ResNet50 weights random:0")
        XCTAssertEqual(model.provenance.validationRows, 6)
        // Axes: lr spans two decades (log), depth does not.
        XCTAssertEqual(model.parameters.map(\.name), ["lr", "depth"])
        XCTAssertEqual(model.parameters.map(\.scale), [.log, .linear])
        // The chosen model and its validation scores against the context's targets.
        let chosen = try XCTUnwrap(model.chosen)
        XCTAssertEqual(chosen.id, t[1].id)
        XCTAssertEqual(chosen.thresholds, [0.5, 0.5, 0.5])
        XCTAssertEqual(chosen.bestEpoch, 3)
        let e = try XCTUnwrap(chosen.evaluation)
        XCTAssertEqual(e.rows, 6)
        XCTAssertEqual(e.cooccurrence, [[2, 2, 2, 0], [1, 1, 1, 1], [1, 1, 2, 1], [0, 0, 1, 0]], "rows matched to their targets")
        XCTAssertNil(chosen.test)
    }

    func testRealDataAndWeightsHaveNoBannersAndNoBestMeansNoChosenModel() throws {
        let fixture = try ReportFixture.make(synthetic: false, randomTrunk: false, withBest: false)
        defer { fixture.remove() }
        let model = try fixture.model()
        XCTAssertFalse(model.provenance.syntheticData)
        XCTAssertFalse(model.provenance.randomTrunk)
        XCTAssertNil(model.chosen)
        let html = HTMLReport.render(model)
        XCTAssertFalse(html.contains("class=\"banner"), "no banner for real data and weights")
        XCTAssertTrue(html.contains("No model yet"))
    }

    /// Records of trials the plan no longer has are left out (as the leaderboard leaves them
    /// out), and reading never cuts a partial last line that a running sweep is appending.
    func testUnplannedRecordsAreLeftOutAndAPartialLineIsLeftAlone() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        var other = ReportFixture.plan(name: "other", grid: [GridAxis(name: "lr", path: "train.optimizer.lr", values: [.number(5)])]).trials[0]
        other.id = "ffffffffffff"
        try fixture.store.append(ReportFixture.record(other, state: .complete, epochs: [ReportFixture.epoch(0, f1: 0.99, loss: 0.1)]))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.store.trialsPath))
        handle.seekToEndOfFile()
        handle.write(Data("{\"id\":\"partial".utf8))
        try handle.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.store.trialsPath))
        let model = try fixture.model()
        XCTAssertEqual(model.leaderboard.rows.count, 6)
        XCTAssertFalse(model.configurations.contains { $0.id == "ffffffffffff" })
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fixture.store.trialsPath)), before, "trials.jsonl changed by a reader")
    }

    func testEmptyFolderBeforeTheFirstTrial() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        let model = try ReportReader(store: fixture.store, plan: fixture.plan).model(records: [])
        XCTAssertEqual(model.progress.finished, 0)
        XCTAssertTrue(model.leaderboard.rows.isEmpty)
        let html = HTMLReport.render(model)
        XCTAssertTrue(html.contains("No finished trial yet"))
        XCTAssertTrue(html.contains("0 of 6 trials finished"))
        XCTAssertFalse(html.components(separatedBy: "<script>")[0].contains("NaN"))
    }

    /// The live report writes at once, then waits `spacing` times its own cost before the next
    /// rewrite; `finish()` always writes the latest records, atomically (no temporary left).
    func testLiveReportThrottlesAndFinishWritesTheLatest() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        let live = LiveReport(store: fixture.store, plan: fixture.plan, spacing: 1e9)
        live.update(Array(fixture.records.prefix(2)))
        let first = try String(contentsOfFile: live.path, encoding: .utf8)
        XCTAssertTrue(first.contains("2 of 6 trials finished"))
        live.update(fixture.records)
        XCTAssertEqual(live.writes, 1, "a rewrite right after the first")
        XCTAssertEqual(try String(contentsOfFile: live.path, encoding: .utf8), first)
        try live.finish()
        XCTAssertEqual(live.writes, 2)
        XCTAssertTrue(try String(contentsOfFile: live.path, encoding: .utf8).contains("6 of 6 trials finished"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.store.directory).filter { $0.contains(".tmp") }
        XCTAssertEqual(leftovers, [])
        let eager = LiveReport(store: fixture.store, plan: fixture.plan, path: fixture.store.directory + "/eager.html", spacing: 0)
        eager.update(fixture.records)
        eager.update(fixture.records)
        XCTAssertEqual(eager.writes, 2, "spacing 0 rewrites every time")
    }

    func testLogScaleIsInferredOnlyForPositiveNumbersWithARatioOf20() {
        XCTAssertEqual(ReportReader.scale(of: [.number(1e-4), .number(1e-3), .number(1e-2)]), .log)
        XCTAssertEqual(ReportReader.scale(of: [.number(0), .number(0.3), .number(0.5)]), .linear)
        XCTAssertEqual(ReportReader.scale(of: [.number(5), .number(10)]), .linear)
        XCTAssertEqual(ReportReader.scale(of: [.number(2), .number(50)]), .log)
        XCTAssertEqual(ReportReader.scale(of: [.string("adam"), .string("sgd")]), .categorical)
        XCTAssertEqual(ReportReader.scale(of: [.number(1), .string("x")]), .categorical)
    }
}

