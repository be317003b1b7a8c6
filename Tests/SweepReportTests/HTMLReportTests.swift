import Foundation
import SweepCore
@testable import SweepReport
import XCTest

/// The HTML page of a hand-made folder: structure, one mark per trial, escaping, pruned runs.
final class HTMLReportTests: XCTestCase {
    func testPageHoldsTheLeaderboardCellsAndOneMarkPerTrialInEveryParameterChart() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        let model = try fixture.model()
        let html = HTMLReport.render(model)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        for row in model.leaderboard.rows {
            let cells = row.map { "<td>\($0)</td>" }
            // The state cell is decorated, the objective cell has a class: the others appear as they are.
            let plain = cells.enumerated().filter { ![2, model.leaderboard.header.firstIndex(of: "val_f1_samples") ?? -1].contains($0.offset) }
            for (_, cell) in plain { XCTAssertTrue(html.contains(cell), "missing \(cell)") }
        }
        XCTAssertEqual(occurrences(of: "<tr data-id=", in: html.components(separatedBy: "id=\"leaderboard\"")[1].components(separatedBy: "</table>")[0]), 6)
        let ids = model.runs.map(\.id)
        let parallel = svgs(html, plot: "parallel")
        XCTAssertEqual(parallel.count, 1)
        let parameterPlots = svgs(html, plot: "parameter")
        XCTAssertEqual(parameterPlots.count, 2)
        for svg in parallel + parameterPlots {
            XCTAssertEqual(occurrences(of: "data-trial=", in: svg), 6)
            for id in ids { XCTAssertEqual(occurrences(of: "data-trial=\"\(id)\"", in: svg), 1, "trial \(id)") }
        }
        XCTAssertTrue(parameterPlots[0].contains("lr (log scale)"))
    }

    func testPrunedAndDivergedRunsAreMarkedWhereTheyStoppedAndFailuresListed() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        let model = try fixture.model()
        let html = HTMLReport.render(model)
        let t = fixture.plan.trials
        let curves = svgs(html, plot: "curves")
        XCTAssertEqual(curves.count, 2, "loss and objective panels")
        for svg in curves {
            XCTAssertEqual(occurrences(of: "data-stopped=\"\(t[2].id)\"", in: svg), 1, "the pruned run")
            XCTAssertEqual(occurrences(of: "data-stopped=\"\(t[3].id)\"", in: svg), 1, "the diverged run")
            XCTAssertEqual(occurrences(of: "data-stopped=", in: svg), 2)
            // The three complete runs in colour, train and validation each.
            for id in [t[0].id, t[1].id, t[5].id] { XCTAssertEqual(occurrences(of: "data-run=\"\(id)\"", in: svg), 2) }
        }
        XCTAssertTrue(html.contains("data-pruned=\"1\""))
        XCTAssertTrue(html.contains("data-diverged=\"1\""))
        XCTAssertTrue(html.contains("data-failed=\"1\""))
        let failures = html.components(separatedBy: "id=\"failure-list\"")[1].components(separatedBy: "</table>")[0]
        for id in [t[2].id, t[3].id, t[4].id] { XCTAssertTrue(failures.contains("data-id=\"\(id)\""), id) }
        XCTAssertTrue(failures.contains("timed out after 8.0 seconds"))
        XCTAssertTrue(failures.contains("last &lt;line&gt; &amp; more"), "stderr escaped")
    }

    func testChosenModelSectionAndBanners() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        let html = HTMLReport.render(try fixture.model())
        XCTAssertTrue(html.contains("class=\"banner synthetic\""))
        XCTAssertTrue(html.contains("class=\"banner random-trunk\""))
        let perClass = html.components(separatedBy: "id=\"per-class\"")[1].components(separatedBy: "</table>")[0]
        XCTAssertEqual(occurrences(of: "<tr data-class=", in: perClass), 3)
        // desert: tp 2, fp 0, fn 1 -> precision 1, recall 2/3, F1 0.8
        XCTAssertTrue(perClass.contains("<td>1.000</td><td>0.667</td><td>0.800</td><td>3</td><td>2</td>"), perClass)
        let pr = try XCTUnwrap(svgs(html, plot: "pr").first)
        XCTAssertEqual(occurrences(of: "data-class=", in: pr), 3)
        XCTAssertEqual(occurrences(of: "data-operating=", in: pr), 3)
        let table = html.components(separatedBy: "id=\"cooccurrence\"")[1].components(separatedBy: "</table>")[0]
        XCTAssertEqual(occurrences(of: "<tr>", in: table), 5, "header and 3 + 1 rows")
        XCTAssertTrue(html.contains("holds out no test split"))
    }

    func testTextIsEscapedEverywhere() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        var model = try fixture.model()
        model.sweep = "<b>&"
        model.provenance.data = "data <script>alert(1)</script>"
        model.leaderboard.rows[0][1] = "<img src=x>"
        model.parameters = [ParameterAxis(name: "opt\"<", values: [.string("a<b"), .string("c&d")], scale: .categorical)]
        for i in model.configurations.indices { model.configurations[i].parameters = ["opt\"<": i % 2 == 0 ? .string("a<b") : .string("c&d")] }
        let html = HTMLReport.render(model)
        XCTAssertFalse(html.contains("<script>alert"))
        XCTAssertFalse(html.contains("<img src=x>"))
        XCTAssertFalse(html.contains("a<b"))
        XCTAssertTrue(html.contains("a&lt;b"))
        XCTAssertTrue(html.contains("&lt;b&gt;&amp;"))
        XCTAssertEqual(occurrences(of: "<script>", in: html), 1, "only the sorting script")
    }

    func testNoChartForASweepWithoutParametersAndNoNaN() throws {
        let plan = ReportFixture.plan(name: "one", grid: [])
        let record = ReportFixture.record(plan.trials[0], state: .complete, epochs: [ReportFixture.epoch(0, f1: 0.5, loss: 1)])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("one-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try ReportReader(store: .init(directory: folder.path), plan: plan).model(records: [record])
        let html = HTMLReport.render(model)
        XCTAssertTrue(svgs(html, plot: "parallel").isEmpty)
        XCTAssertTrue(html.contains("searches no parameter"))
        XCTAssertEqual(svgs(html, plot: "curves").count, 2)
        let page = html.components(separatedBy: "<script>")[0]   // the script has isNaN
        XCTAssertFalse(page.contains("NaN"))
        XCTAssertFalse(page.contains("Infinity"))
    }

    func testTicksAreNiceNumbers() {
        let linear = AxisScale.nice([0.31, 0.58], start: 100, end: 0)
        XCTAssertEqual(linear.lo, 0.3, accuracy: 1e-12)
        XCTAssertEqual(linear.hi, 0.6, accuracy: 1e-12)
        XCTAssertEqual(linear.ticks().map(\.label), ["0.3", "0.35", "0.4", "0.45", "0.5", "0.55", "0.6"])
        XCTAssertEqual(linear(0.3), 100, accuracy: 1e-9)
        let log = AxisScale(kind: .log, lo: 1e-4, hi: 1e-2, start: 0, end: 100)
        XCTAssertEqual(log.ticks().map(\.label), ["1e-4", "2e-4", "5e-4", "0.001", "0.002", "0.005", "0.01"])
        XCTAssertEqual(log(1e-3), 50, accuracy: 1e-9)
        XCTAssertEqual(Format.tick(200000, step: 1), "2e5")
        XCTAssertEqual(Format.value(.number(2.7825594022071246e-05)), "2.78e-5")
        XCTAssertEqual(Format.value(.number(0.0129154966501488)), "0.0129")
        XCTAssertEqual(Format.value(.number(0.001)), "0.001")
        XCTAssertEqual(Format.value(.number(123456.789)), "1.23e5")
        XCTAssertEqual(Format.value(.string("a_very_long_loss_name")), "a_very_long_l…")
        XCTAssertEqual(SVG.n(-0.04), "0")
        XCTAssertEqual(SVG.n(12.25), "12.3")
    }
}
