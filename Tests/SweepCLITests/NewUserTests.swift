import Foundation
import XCTest

/// Issue 13: what a new user hit with their own CSV data set and small sweeps, one test per bug.
final class NewUserTests: CLITestCase {
    static let csvClasses = ["cat", "dog", "fox", "owl"]

    /// `work/<fileName>`: the shared 40 images (absolute paths) in 4 classes; image i has class
    /// i % 4, and class (i + 1) % 4 too when i % 3 == 0; no label at all when `unlabelled(i)`.
    @discardableResult
    func writeCSV(_ fileName: String, unlabelled: (Int) -> Bool = { _ in false }) throws -> String {
        var text = "filename," + Self.csvClasses.joined(separator: ",") + "\n"
        for (i, path) in dataSet.images.enumerated() {
            var row = [Int](repeating: 0, count: 4)
            if !unlabelled(i) {
                row[i % 4] = 1
                if i % 3 == 0 { row[(i + 1) % 4] = 1 }
            }
            text += path + "," + row.map(String.init).joined(separator: ",") + "\n"
        }
        try text.write(to: work.appendingPathComponent(fileName), atomically: true, encoding: .utf8)
        return fileName
    }

    /// A one-trial sweep on the CSV `csv`, with the format left to the path.
    func csvSweep(_ name: String, csv: String) -> SweepFileText {
        var file = SweepFileText(name: name, dataPath: csv, cachePath: dataSet.cachePath)
        file.format = nil
        file.synthesizeIfMissing = nil
        file.epochs = 1
        file.grid = [("lr", "[0.001]")]
        return file
    }

    /// Bug 1: `data: {path: my_dataa}` (a typo) validated and then trained on 2000 generated
    /// scenes. Now validate and run refuse it, and nothing is generated.
    func testAMistypedDataPathFailsBeforeAnyWorkAndGeneratesNothing() throws {
        var file = SweepFileText(name: "typo", dataPath: "my_dataa", cachePath: "cache")
        file.format = nil
        file.synthesizeIfMissing = nil
        let sweep = try write(file, to: "typo.yaml")
        for command in [["validate", sweep], ["run", sweep]] {
            let outcome = try run(command, timeout: 120)
            assertExit(outcome, 1, command.joined(separator: " "))
            XCTAssertTrue(outcome.stderr.contains("data.path: 'my_dataa' does not exist"), outcome.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), ["typo.yaml"], "nothing generated")
    }

    /// Bug 1: `weights: imagenet` with the file missing silently became random weights. Without
    /// `backbone.fallback: random` the run now stops before any work, saying where it looked.
    func testMissingImageNetWeightsStopTheRunUnlessTheFileAsksForTheFallback() throws {
        var file = sweepFile("nofallback")
        file.weights = "imagenet"
        file.fallback = nil
        file.epochs = 1
        file.grid = [("lr", "[0.001]")]
        let validate = try run(["validate", try write(file, to: "nofallback.yaml")], timeout: 120)
        assertExit(validate, 1, "validate without the fallback")
        XCTAssertTrue(validate.stderr.contains("backbone.fallback: random"), validate.stderr)
        let located = #"nofallback\.yaml:\d+:\d+: ?backbone\.weights"#
        XCTAssertNotNil(validate.stderr.range(of: located, options: .regularExpression), "names file:line:col: \(validate.stderr)")
        let outcome = try run(["run", "nofallback.yaml"])
        assertExit(outcome, 1, "run without the fallback")
        XCTAssertTrue(outcome.stderr.contains("resnet50-0676ba61.pth"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("backbone.fallback: random"), outcome.stderr)
        XCTAssertNotNil(outcome.stderr.range(of: located, options: .regularExpression), "names file:line:col: \(outcome.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: resultsFolder("nofallback").appendingPathComponent("trials.jsonl").path))

        file.fallback = "random"
        let asked = try run(["run", try write(file, to: "nofallback.yaml")])
        assertExit(asked, 0, "run with the fallback asked for")
        XCTAssertTrue(asked.stderr.contains("Using RANDOM trunk weights"), asked.stderr)
    }

    /// Bug 1: a CSV path without `format:` was read as CSV but planned and recorded as MIML.
    func testTheCSVFormatIsInferredFromThePathAndRecorded() throws {
        let csv = try writeCSV("d.csv")
        let sweep = try write(csvSweep("inferred", csv: csv), to: "inferred.yaml")
        let dry = try run(["run", sweep, "--dry-run"], timeout: 120)
        assertExit(dry, 0, "dry run")
        XCTAssertTrue(dry.stdout.contains("data: csv at d.csv"), dry.stdout)
        assertExit(try run(["run", sweep]), 0, "run")
        let recorded = try String(contentsOf: resultsFolder("inferred").appendingPathComponent("sweep.yaml"), encoding: .utf8)
        XCTAssertTrue(recorded.contains("format: csv"), recorded)
        XCTAssertTrue(recorded.contains("synthesize_if_missing: false"), recorded)
        XCTAssertFalse(recorded.contains("format: miml"), recorded)
    }

    /// Bug 3: with validation rows that have no positive label, `roc_auc_samples` is NaN for
    /// every trial; as the objective, every trial was "complete" with no value. Now the run
    /// stops before extracting any feature, saying how many rows and what to use instead.
    func testAnUndefinedObjectiveIsRefusedBeforeAnyWork() throws {
        let csv = try writeCSV("holes.csv", unlabelled: { $0 % 4 == 3 })
        var file = csvSweep("holes", csv: csv)
        file.cachePath = "fresh-cache"  // an extraction would show up here
        file.objective = "{metric: roc_auc_samples, split: val, direction: max}"
        let outcome = try run(["run", try write(file, to: "holes.yaml")])
        assertExit(outcome, 1, "run with an undefined objective")
        let line = try XCTUnwrap(outcome.stderrLines.first { $0.hasPrefix("error:") && $0.contains("roc_auc_samples") }, outcome.stderr)
        let match = try XCTUnwrap(line.range(of: #"(\d+) of the 12 validation images have no positive label"#,
                                             options: .regularExpression), line)
        let count = Int(line[match].split(separator: " ")[0]) ?? 0
        XCTAssertTrue((1...10).contains(count), line)
        XCTAssertTrue(line.contains("f1_samples"), "names a metric that is defined here: \(line)")
        XCTAssertNotNil(line.range(of: #"holes\.yaml:\d+:\d+: train\.objective\.metric"#, options: .regularExpression),
                        "names the file, line and key: \(line)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("fresh-cache").path), "features were extracted")
        XCTAssertFalse(FileManager.default.fileExists(atPath: resultsFolder("holes").appendingPathComponent("trials.jsonl").path))
    }

    /// A sweep file that is not there is named as missing, not as unreadable.
    func testAMissingSweepFileIsCalledMissing() throws {
        let outcome = try run(["validate", "nothere.yaml"])
        assertExit(outcome, 1, "validate a missing file")
        XCTAssertTrue(outcome.stderr.contains("nothere.yaml:1:1: no such sweep file"), outcome.stderr)
    }

    /// Trains a one-trial sweep on the shared data (random trunk weights, seed 0) and returns its `best` folder.
    func trainedModel(_ name: String) throws -> String {
        var file = sweepFile(name)
        file.epochs = 1
        file.grid = [("lr", "[0.001]")]
        assertExit(try run(["run", try write(file, to: name + ".yaml")]), 0, "training \(name)")
        return "results/\(name)/best"
    }

    /// Bug 4: `predict` wrote paths unquoted (a comma shifted the columns) and `embed` wrote no header.
    func testPredictAndEmbedWriteQuotedCSVWithHeaders() throws {
        let model = try trainedModel("quoting")
        let odd = "x, \"y\".jpg"
        try FileManager.default.copyItem(atPath: dataSet.images[0], toPath: work.appendingPathComponent(odd).path)

        let predict = try run(["predict", "--model", model, odd, dataSet.images[1]])
        assertExit(predict, 0, "predict")
        let rows = try CSV.records(predict.stdout)
        XCTAssertEqual(rows.first, ["path", "labels"] + SharedDataSet.classNames.map { "p_" + $0 })
        XCTAssertEqual(rows.count, 3, predict.stdout)
        XCTAssertEqual(rows[1].first, odd)
        XCTAssertTrue(rows.allSatisfy { $0.count == 2 + SharedDataSet.classNames.count }, predict.stdout)

        let embed = try run(["embed", "--weights", "random", "--out", "e.csv", odd, dataSet.images[1]])
        assertExit(embed, 0, "embed")
        let table = try CSV.records(String(contentsOf: work.appendingPathComponent("e.csv"), encoding: .utf8))
        XCTAssertEqual(table.first, ["path"] + (0..<2048).map { "f\($0)" })
        XCTAssertEqual(table.count, 3)
        XCTAssertEqual(table[1].first, odd)
        XCTAssertTrue(table.allSatisfy { $0.count == 2049 })
    }

    /// Bug 5: `predict --weights random:5` on a head trained on `random:0` said "pass --weights"
    /// although it was passed. Now it says which weights the head needs.
    func testPredictWithOtherTrunkWeightsSaysWhichOnesTheHeadNeeds() throws {
        let model = try trainedModel("otherweights")
        let outcome = try run(["predict", "--model", model, "--weights", "random:5", dataSet.images[0]])
        assertExit(outcome, 1, "predict with other weights")
        XCTAssertEqual(outcome.stderrLines.count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("random:5"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--weights random:0"), "names the weights to pass: \(outcome.stderr)")
    }

    /// Bug 6: a diverged trial was recorded with no reason anywhere. Now the record and the
    /// leaderboard say why, and the record keeps the epochs it completed.
    func testADivergedTrialRecordsWhyAndTheLeaderboardShowsIt() throws {
        var file = sweepFile("boom")
        file.epochs = 3
        file.grid = [("lr", "[10.0]")]
        assertExit(try run(["run", try write(file, to: "boom.yaml")]), 0, "run")
        let folder = resultsFolder("boom")
        let record = try XCTUnwrap(try TrialsFile.read(folder).records.first)
        XCTAssertEqual(record.state, "diverged")
        let reason = try XCTUnwrap(record["failure"]?["reason"]?.string, "no reason recorded")
        XCTAssertTrue(reason.contains("loss") && reason.contains("epoch"), reason)
        let board = try CSV.records(String(contentsOf: folder.appendingPathComponent("runs.csv"), encoding: .utf8))
        let column = try XCTUnwrap(board.first?.firstIndex(of: "reason"), "no reason column: \(board.first ?? [])")
        XCTAssertEqual(board[1][column], reason)
        let epochsColumn = try XCTUnwrap(board.first?.firstIndex(of: "epochs_run"))
        XCTAssertEqual(board[1][epochsColumn], "\(record.epochs.count)", "the epochs it completed")
    }
}
