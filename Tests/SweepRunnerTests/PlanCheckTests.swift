import Foundation
import SweepCore
import SweepData
import SweepPlugins
import XCTest
@testable import SweepRunner

/// Issue 13, bug 3: an objective that is undefined on the split is refused before any work, with
/// the number of offending rows and metrics that would work; a NaN objective is never "complete".
final class PlanCheckTests: XCTestCase {
    /// 40 images, 3 classes; image i has class i % 2 (and class 2 when i % 5 == 0), except
    /// `unlabelled` rows, which have none.
    func dataset(unlabelled: Set<Int>, classTwo: Bool = true) -> LabelledImages {
        var targets = [UInt8](repeating: 0, count: 40 * 3)
        for i in 0..<40 where !unlabelled.contains(i) {
            targets[i * 3 + i % 2] = 1
            if classTwo && i % 5 == 0 { targets[i * 3 + 2] = 1 }
        }
        return LabelledImages(format: .csv, root: URL(fileURLWithPath: "/d"), labelsFile: URL(fileURLWithPath: "/d/l.csv"),
                              classNames: ["a", "b", "c"], imagePaths: (0..<40).map { "\($0).jpg" }, targets: targets,
                              isSynthetic: false, origin: "test")
    }

    func plan(_ train: String) throws -> SweepPlan {
        try SweepFile.parse("name: p\ndata: {path: l.csv}\ntrain: \(train)\n", displayPath: "p.yaml",
                            catalog: try AllPlugins.catalog(), fileExists: { _ in true }, defaultWorkers: 1)
    }

    func testAnUndefinedObjectiveIsAnErrorCountingTheRowsAndNamingAlternatives() throws {
        let data = dataset(unlabelled: [3, 7, 11, 19, 23, 31, 38])
        let split = try DataSplit.make(data, method: .random, validationFraction: 0.3, seed: 0)
        let empty = split.validationIndices.filter { i in (0..<3).allSatisfy { data.targets[i * 3 + $0] == 0 } }.count
        XCTAssertGreaterThan(empty, 0, "the test needs an unlabelled validation row")
        let findings = PlanCheck.check(try plan("{objective: roc_auc_samples}"), dataset: data, split: split,
                                       catalog: try AllPlugins.catalog())
        XCTAssertEqual(findings.errors.count, 1, "\(findings)")
        let error = findings.errors.first ?? ""
        XCTAssertNotNil(error.range(of: #"^p\.yaml:3:\d+: train\.objective\.metric: roc_auc_samples is undefined on the validation split"#,
                                     options: .regularExpression), "names file:line:col and the key: \(error)")
        XCTAssertTrue(error.contains("\(empty) of the 12 validation images have no positive label"), error)
        XCTAssertTrue(error.contains("f1_samples") && error.contains("roc_auc_macro"), "defined alternatives: \(error)")
        XCTAssertFalse(error.contains("(roc_auc_samples"), error)

        // As a mere metric it is a warning (the objective f1_samples is fine).
        let metric = PlanCheck.check(try plan("{objective: f1_samples}"), dataset: data, split: split, catalog: try AllPlugins.catalog())
        XCTAssertEqual(metric.errors, [])
        XCTAssertTrue(metric.warnings.contains { $0.range(of: #"^p\.yaml:3:\d+: train\.metrics: roc_auc_samples is undefined on the validation split"#,
                                                           options: .regularExpression) != nil }, "\(metric)")

        // Every row labelled: nothing to say.
        let clean = dataset(unlabelled: [])
        let none = PlanCheck.check(try plan("{objective: roc_auc_samples}"), dataset: clean,
                                   split: try DataSplit.make(clean, method: .random, validationFraction: 0.3, seed: 0),
                                   catalog: try AllPlugins.catalog())
        XCTAssertEqual(none, PlanCheck.Findings())
    }

    func testALossThatCannotBeBuiltOnTheTrainingSplitIsAnError() throws {
        let data = dataset(unlabelled: [], classTwo: false)  // class c has no positive anywhere
        let split = try DataSplit.make(data, method: .random, validationFraction: 0.3, seed: 0)
        let auto = PlanCheck.check(try plan("{loss: {name: bce, pos_weight: auto}, objective: f1_samples}"), dataset: data,
                                   split: split, catalog: try AllPlugins.catalog())
        XCTAssertTrue(auto.errors.contains { $0.hasPrefix("train.loss: ") && $0.contains("'c'") && $0.contains("pos_weight: none") },
                      "\(auto)")
        let none = PlanCheck.check(try plan("{loss: {name: bce, pos_weight: none}, objective: f1_samples}"), dataset: data,
                                   split: split, catalog: try AllPlugins.catalog())
        XCTAssertFalse(none.errors.contains { $0.hasPrefix("train.loss") }, "\(none)")
    }

    /// A trial whose objective had no value in any epoch is failed with the reason, not complete.
    func testANaNObjectiveIsNeverComplete() {
        let (state, reason) = TrialOutcome.state(diverged: nil, bestEpoch: nil, epochs: 3, objective: "val roc_auc_samples")
        XCTAssertEqual(state, .failed)
        XCTAssertTrue(reason?.contains("val roc_auc_samples was NaN") ?? false, reason ?? "")
        XCTAssertEqual(TrialOutcome.state(diverged: nil, bestEpoch: 2, epochs: 3, objective: "x").0, .complete)
        let diverged = TrialOutcome.state(diverged: "training loss nan at epoch 1, batch 2", bestEpoch: 0, epochs: 1, objective: "x")
        XCTAssertEqual(diverged.0, .diverged)
        XCTAssertEqual(diverged.1, "training loss nan at epoch 1, batch 2")
    }
}

/// `keep: k` and the status line.
final class ResultsKeepingTests: XCTestCase {
    func testKeepKeepsTheTopCheckpointsAndBestLinksTheFirst() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ResultsStore(directory: folder.path)
        try FileManager.default.createDirectory(atPath: store.checkpointsPath, withIntermediateDirectories: true)
        let plan = try SweepFile.parse("name: k\ndata: {path: l.csv}\n", displayPath: "k.yaml", catalog: try AllPlugins.catalog(),
                                       fileExists: { _ in true }, defaultWorkers: 1)
        let config = plan.trials[0].config
        let ids = ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc", "dddddddddddd"]
        let records = ids.enumerated().map { i, id in
            TrialRecord(id: id, parameters: [:], config: config, seed: 0, state: i == 1 ? .failed : .complete, epochs: [],
                        bestEpoch: 0, objective: 1 - Double(i) / 10, attempts: 1, failure: nil,
                        timings: TrialTimings(start: Date(), end: Date(), seconds: 1), workerPID: nil)
        }
        for id in ids { try FileManager.default.createDirectory(atPath: store.checkpointPath(id), withIntermediateDirectories: true) }
        XCTAssertEqual(try store.reconcileBest(ranked: records, keep: 2), "aaaaaaaaaaaa")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store.checkpointsPath).sorted(),
                       ["aaaaaaaaaaaa", "cccccccccccc"], "the two best complete trials (the failed one does not count)")
        XCTAssertEqual(store.bestTrialID, "aaaaaaaaaaaa")
        XCTAssertEqual(try store.reconcileBest(ranked: records, keep: 1), "aaaaaaaaaaaa")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store.checkpointsPath), ["aaaaaaaaaaaa"])
    }

    /// Nothing redraws the status line after `finish()` (e.g. under the "interrupted" message).
    func testNoStatusLineAfterFinish() {
        let output = Output()
        let display = StatusDisplay(isTerminal: true, write: { output.append($0) })
        display.update(SweepStatus(total: 3), force: true)
        XCTAssertTrue(output.text.contains("trials 0/3"))
        display.finish()
        display.log("interrupted: workers stopped")
        let after = output.text
        display.update(SweepStatus(total: 3), force: true)
        XCTAssertEqual(output.text, after)
        XCTAssertTrue(after.hasSuffix("interrupted: workers stopped\n"), after)
    }

    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [String] = []
        func append(_ s: String) { lock.withLock { parts.append(s) } }
        var text: String { lock.withLock { parts.joined() } }
    }
}
