import Foundation
import XCTest

/// `sweep run` end to end: results, ranking, `best` with `sweep predict`, resuming, planning.
final class RunCommandTests: CLITestCase {
    /// A 4-trial sweep: every trial recorded once, the leaderboard ranked by the objective,
    /// `best` holding the top row's head, `sweep predict` working with it, and the synthetic
    /// data and random weights said in the output and in ABOUT.txt.
    func testSweepRanksTrialsKeepsTheBestAndPredicts() throws {
        var file = sweepFile("happy")
        file.weights = "imagenet"  // not found in this environment: falls back to random, saying so
        file.epochs = 3
        let sweep = try write(file, to: "happy.yaml")
        let planned = try plannedIDs(sweep)
        XCTAssertEqual(planned.count, 4, "2 x 2 grid")
        XCTAssertEqual(Set(planned).count, 4, "distinct trial ids")

        let outcome = try run(["run", sweep])
        assertExit(outcome, 0, "sweep run")
        let folder = resultsFolder("happy")
        let trials = try TrialsFile.read(folder)
        XCTAssertEqual(trials.ids.sorted(), planned.sorted(), "every planned trial exactly once in trials.jsonl")
        let combinations = Set(trials.records.map { "\($0.parameter("lr") ?? -1) \($0.parameter("depth") ?? -1)" })
        XCTAssertEqual(combinations, ["0.0001 1.0", "0.0001 2.0", "0.01 1.0", "0.01 2.0"])
        for r in trials.records {
            XCTAssertEqual(r.state, "complete", r.id)
            XCTAssertEqual(r.attempts, 1, r.id)
            XCTAssertEqual(r.epochs.count, 3, r.id)
        }

        let board = try LeaderboardFile.read(folder)
        XCTAssertEqual(board.header, ["rank", "id", "state", "config_id", "repeat", "fold", "lr", "depth", "best_epoch", "val_loss",
                                      "val_f1_samples", "val_roc_auc_samples", "train_loss", "epochs_run", "final_train_loss", "reason"])
        assertLeaderboardRanks(board, trials, metric: "f1_samples", maximize: true)

        // best -> the top row's checkpoint, whose model card is that trial's.
        let top = try XCTUnwrap(board.rows.first?["id"])
        let best = folder.appendingPathComponent("best")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: best.path), "checkpoints/" + top)
        let card = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: best.appendingPathComponent("model.json"))) as? [String: Any])
        XCTAssertEqual((card["trial"] as? [String: Any])?["id"] as? String, top)
        XCTAssertEqual(((card["head"] as? [String: Any])?["depth"] as? NSNumber)?.doubleValue,
                       trials.record(top)?.parameter("depth"))

        // sweep predict with it: a header, then one row per image with probabilities in [0, 1]
        // and the labels whose probability is above the threshold (0.5).
        let images = Array(dataSet.images.prefix(3))
        let predict = try run(["predict", "--model", "results/happy/best"] + images)
        assertExit(predict, 0, "sweep predict")
        let lines = predict.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, (["path", "labels"] + SharedDataSet.classNames.map { "p_" + $0 }).joined(separator: ","))
        XCTAssertEqual(lines.count, 1 + images.count, predict.stdout)
        for (image, line) in zip(images, lines.dropFirst()) {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(cells.count, 2 + SharedDataSet.classNames.count, line)
            XCTAssertEqual(cells.first, image)
            let p = cells.dropFirst(2).compactMap(Double.init)
            XCTAssertEqual(p.count, SharedDataSet.classNames.count, line)
            XCTAssertTrue(p.allSatisfy { $0 >= 0 && $0 <= 1 }, line)
            let expected = zip(SharedDataSet.classNames, p).filter { $0.1 > 0.5 }.map(\.0).joined(separator: ";")
            XCTAssertEqual(cells[1], expected, line)
        }

        // Synthetic data and random weights are said, and recorded.
        let about = try String(contentsOf: folder.appendingPathComponent("ABOUT.txt"), encoding: .utf8)
        XCTAssertTrue(about.contains("SYNTHETIC"), about)
        XCTAssertTrue(about.contains("RANDOM ResNet50 weights"), about)
        XCTAssertTrue(outcome.stderr.contains("ImageNet weights not found"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("Using RANDOM trunk weights"), outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("SYNTHETIC") && outcome.stdout.contains("RANDOM"), outcome.stdout)
        for name in ["sweep.yaml", "split.json", "context.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), name)
        }
        let split = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("split.json"))) as? [String: Any])
        let train = split["trainIndices"] as? [Int] ?? [], validation = split["validationIndices"] as? [Int] ?? []
        XCTAssertEqual(validation.count, 12, "30% of 40 images")
        XCTAssertEqual(Set(train + validation), Set(0..<SharedDataSet.imageCount), "the split covers every image once")
        XCTAssertEqual(train.count + validation.count, SharedDataSet.imageCount)
    }

    /// Running a finished sweep again changes nothing: same trials.jsonl bytes, same
    /// leaderboard rows, same `best`, and says there is nothing to do. (Ranked by val loss,
    /// minimised, to check the other direction too.)
    func testRerunOfAFinishedSweepDoesNothingNew() throws {
        var file = sweepFile("rerun")
        file.objective = "{metric: loss, split: val, direction: min}"
        let sweep = try write(file, to: "rerun.yaml")
        assertExit(try run(["run", sweep]), 0, "first run")
        let folder = resultsFolder("rerun")
        let trials = try TrialsFile.read(folder)
        let board = try LeaderboardFile.read(folder)
        XCTAssertEqual(trials.records.count, 4)
        assertLeaderboardRanks(board, trials, metric: "loss", maximize: false)
        let best = try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path)

        let again = try run(["run", sweep])
        assertExit(again, 0, "rerun")
        XCTAssertTrue(again.stderr.contains("nothing to do"), again.stderr)
        XCTAssertFalse(again.stderr.contains("running "), "no trial may run again:\n\(again.stderr)")
        XCTAssertEqual(try TrialsFile.read(folder).raw, trials.raw, "trials.jsonl unchanged byte for byte")
        XCTAssertEqual(try LeaderboardFile.read(folder).rowsWithoutSeconds, board.rowsWithoutSeconds)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path), best)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path), checkpoints)
    }

    /// `validate` and `run --dry-run` print the plan and write nothing: no results folder, no
    /// generated data set, no feature cache (the data path is missing and may be synthesized).
    func testDryRunAndValidatePrintThePlanAndWriteNothing() throws {
        var file = SweepFileText(name: "plan", dataPath: "data/miml", cachePath: "results/cache")
        file.synthesizeIfMissing = true
        file.weights = "imagenet"
        let sweep = try write(file, to: "plan.yaml")
        let before = try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted()

        let validate = try run(["validate", sweep], timeout: 120)
        assertExit(validate, 0, "validate")
        XCTAssertTrue(validate.stdout.hasPrefix("ok: 4 trials"), validate.stdout)

        let dry = try run(["run", sweep, "--dry-run"], timeout: 120)
        assertExit(dry, 0, "dry run")
        XCTAssertTrue(dry.stdout.hasPrefix("plan: 4 trials"), dry.stdout)
        let ids = try plannedIDs(sweep)
        XCTAssertEqual(ids.count, 4)
        XCTAssertEqual(try plannedIDs(sweep), ids, "trial ids are stable")
        // A third depth adds two trials and keeps the ids of the four that did not change.
        let wider = try plannedIDs(sweep, ["--set", "grid.depth=[1,2,3]"])
        XCTAssertEqual(wider.count, 6)
        XCTAssertTrue(Set(ids).isSubset(of: Set(wider)), "\(ids) not in \(wider)")
        // Another epoch count changes every trial.
        let longer = try run(["run", sweep, "--dry-run", "--set", "train.epochs=5"], timeout: 120)
        assertExit(longer, 0, "dry run with --set")
        XCTAssertTrue(longer.stdout.contains("epochs 5"), longer.stdout)
        XCTAssertTrue(ids.allSatisfy { !longer.stdout.contains($0) }, longer.stdout)

        let after = try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted().filter { !$0.hasPrefix("logs") }
        XCTAssertEqual(after, before, "validate and --dry-run wrote files")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("results").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("data").path))
    }
}
