import Foundation
import SweepCore
import SweepCSV
import XCTest
@testable import SweepSelection

/// The per-configuration statistics against pandas and scipy (Tests/Fixtures/make_selection_fixture.py),
/// the t quantile against scipy.stats.t.ppf, and threshold tuning against a brute-force search.
final class SelectionTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/selection")

    func table(_ name: String) throws -> [[String: String]] {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
        let rows = try CSVParser.parse(Array(text.utf8)).get().map(\.fields)
        guard let header = rows.first else { return [] }
        return rows.dropFirst().filter { $0.count == header.count }.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    static func record(config: String, repeat r: Int, objective: Double, loss: Double, bestEpoch: Int,
                       state: TrialState = .complete) -> TrialRecord {
        let epochs = (0...bestEpoch).map { e in
            EpochMetrics(epoch: e, lr: 0.001, train: ["loss": 1], val: e == bestEpoch ? ["loss": loss, "f1_samples": objective] : ["loss": 9, "f1_samples": 0], seconds: 0.1)
        }
        let date = Date(timeIntervalSince1970: 0)
        return TrialRecord(id: RunIdentity.id(configuration: config, repeat: r, fold: nil, folds: 0), parameters: ["lr": .string(config)],
                           config: TrialConfig(train: TrainConfig(), seed: r, data: DataSpec(), backbone: BackboneSpec()),
                           seed: r, state: state, epochs: epochs, bestEpoch: bestEpoch, objective: objective, attempts: 1, failure: nil,
                           timings: TrialTimings(start: date, end: date, seconds: 0), workerPID: nil,
                           configID: config, repeat: r)
    }

    func board(rankBy: SweepSpec.RankBy = .mean) -> ConfigurationBoard {
        ConfigurationBoard(runs: Leaderboard(parameterNames: ["lr"], metricNames: ["loss", "f1_samples"],
                                             objective: Objective(metric: "f1_samples", split: .val, direction: .max)),
                           rankBy: rankBy)
    }

    func fixtureRecords() throws -> [TrialRecord] {
        try table("runs.csv").map { row in
            Self.record(config: row["config"] ?? "", repeat: Int(row["repeat"] ?? "") ?? 0,
                        objective: Double(row["objective"] ?? "") ?? .nan,
                        loss: Double(row["val_loss"] ?? "") ?? .nan, bestEpoch: Int(row["best_epoch"] ?? "") ?? 0)
        }
    }

    /// n, mean, sd (ddof 1), the 95% t interval, the NaN-skipping mean of another metric and the
    /// mean best epoch equal pandas/scipy's within 1e-12 (relative).
    func testAggregatesEqualPandasAndScipy() throws {
        let configs = board().configurations(try fixtureRecords())
        let expected = try table("aggregates.csv")
        XCTAssertEqual(configs.count, expected.count)
        func close(_ a: Double?, _ b: String?, _ what: String) {
            let e = b.flatMap(Double.init)
            guard let e, e.isFinite else { XCTAssertNil(a, what); return }
            guard let a else { XCTFail("\(what): nil, expected \(e)"); return }
            XCTAssertEqual(a, e, accuracy: 1e-12 * max(1, abs(e)), what)
        }
        for row in expected {
            guard let c = configs.first(where: { $0.id == row["config"] }) else { XCTFail("no \(row["config"] ?? "")"); continue }
            XCTAssertEqual("\(c.objective.n)", row["n"])
            close(c.objective.mean, row["mean"], "\(c.id) mean")
            close(c.objective.sd, row["sd"], "\(c.id) sd")
            close(c.objective.low, row["ci_low"], "\(c.id) ci_low")
            close(c.objective.high, row["ci_high"], "\(c.id) ci_high")
            close(c.metricMeans["loss"], row["val_loss_mean"], "\(c.id) val_loss mean")
            close(c.meanBestEpoch, row["best_epoch_mean"], "\(c.id) best epoch mean")
        }
        // ranked by the mean, best first
        let means = configs.compactMap(\.objective.mean)
        XCTAssertEqual(means, means.sorted(by: >))
    }

    /// rank_by lower_bound ranks by ci_low; the single-run configuration (no interval) goes last.
    func testRankByLowerBound() throws {
        let configs = board(rankBy: .lowerBound).configurations(try fixtureRecords())
        let lows = configs.map(\.objective.low)
        XCTAssertNil(lows.last ?? 0, "the configuration without an interval ranks last")
        let finite = lows.compactMap { $0 }
        XCTAssertEqual(finite, finite.sorted(by: >))
        XCTAssertEqual(board(rankBy: .lowerBound).rankValue(configs[0]), configs[0].objective.low)
    }

    /// Failed runs count in the states but not in the statistics; the CSV has one row per configuration.
    func testFailedRunsAndCSV() throws {
        var records = try fixtureRecords()
        records.append(Self.record(config: "c0", repeat: 9, objective: 0.99, loss: 0.1, bestEpoch: 0, state: .failed))
        let b = board()
        let c0 = try XCTUnwrap(b.configurations(records).first { $0.id == "c0" })
        XCTAssertEqual(c0.objective.n, 2)
        XCTAssertEqual(c0.states[.failed], 1)
        XCTAssertEqual(c0.runs.count, 3)
        let rows = try CSVParser.parse(Array(b.csv(records).utf8)).get().map(\.fields)
        XCTAssertEqual(rows.count, 1 + 6)
        XCTAssertEqual(rows[0], b.header)
    }

    /// StudentT.quantile equals scipy.stats.t.ppf within 1e-9 (relative).
    func testTQuantileEqualsScipy() throws {
        let rows = try table("t_quantiles.csv")
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            let p = Double(row["p"] ?? "") ?? .nan, df = Double(row["df"] ?? "") ?? .nan, t = Double(row["t"] ?? "") ?? .nan
            XCTAssertEqual(StudentT.quantile(p, df: df), t, accuracy: 1e-9 * max(1, abs(t)), "p \(p) df \(df)")
        }
    }

    /// The tuned threshold's F1 equals the best F1 of a brute-force search over the candidates,
    /// and ties go to the candidate closest to the fixed threshold.
    func testThresholdTuningEqualsBruteForce() {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for trial in 0..<200 {
            let n = 1 + trial % 40
            let labels = (0..<n).map { _ in next() < 0.3 }
            // coarse scores so that ties happen
            let scores = labels.map { y in (((y ? 0.25 : 0) + next() * 0.75) * 20).rounded() / 20 }
            let fixed = 0.5
            let cands = ThresholdTuning.candidates(scores, fixed: fixed)
            var best = (f1: -1.0, t: fixed)
            for t in cands {
                let f = ThresholdTuning.f1(scores, labels, threshold: t)
                if f > best.f1 || (f == best.f1 && ThresholdTuning.isCloser(t, than: best.t, to: fixed)) { best = (f, t) }
            }
            let tuned = ThresholdTuning.tune(scores, labels, fixed: fixed)
            XCTAssertEqual(tuned, best.t, "case \(trial)")
            // no threshold at all (not only the candidates) does better: check a fine grid
            for k in 0...200 {
                XCTAssertLessThanOrEqual(ThresholdTuning.f1(scores, labels, threshold: Double(k) / 200),
                                         ThresholdTuning.f1(scores, labels, threshold: tuned) + 1e-12, "case \(trial) t \(k)")
            }
        }
        // a class without positives keeps the fixed threshold
        XCTAssertEqual(ThresholdTuning.tune([0.1, 0.7, 0.9], [false, false, false], fixed: 0.5), 0.5)
    }

    /// Moved scores predict exactly what the per-class thresholds do.
    func testRescaledScoresMatchThresholds() {
        let thresholds = [0.2, 0.7, 0.5]
        let scores = [0.1, 0.69, 0.5, 0.21, 0.71, 0.51, 0.2, 0.7, 1.0]
        let moved = ThresholdTuning.rescaled(scores, thresholds: thresholds)
        for i in scores.indices {
            XCTAssertEqual(moved[i] > 0.5, scores[i] > thresholds[i % 3], "cell \(i)")
            XCTAssertTrue((0...1).contains(moved[i]))
        }
    }
}
