import Foundation
import SweepData
import XCTest

/// Selection end to end, on the built binary: test labels cannot reach the choice, raising
/// `repeats` runs only the new runs, tuned thresholds are the brute-force best on the chosen
/// configuration's pooled validation predictions and reach `best/model.json`.
final class SelectionCLITests: CLITestCase {
    /// The shared images as a CSV data set, with the labels of `flipped` rows inverted.
    func csvDataSet(_ name: String, flipping flipped: Set<Int> = []) throws -> String {
        let mat = try DataSets.load(dataSet.dataPath)
        var text = (["filename"] + SharedDataSet.classNames).joined(separator: ",") + "\n"
        for i in 0..<mat.count {
            let labels = mat.labels(i).map { flipped.contains(i) ? 1 - $0 : $0 }
            text += ([mat.imageURL(i).path] + labels.map { "\($0)" }).joined(separator: ",") + "\n"
        }
        let path = work.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: work.path, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func selectionSweep(dataPath: String) -> SweepFileText {
        var file = sweepFile("select")
        file.dataPath = dataPath
        file.format = nil
        // a random split: stratification would pick the test rows by every label, test ones included
        file.stratified = false
        file.dataExtra = ["test: 0.25", "folds: 2"]
        file.extra = ["repeats: 2"]
        file.grid = [("lr", "[0.0001, 0.01]")]
        return file
    }

    func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    func json(_ url: URL) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url)) }

    /// Every test label inverted: leaderboard.csv, runs.csv, the chosen configuration, its
    /// thresholds and everything in final.json but the test result are byte-identical; the
    /// test result changes (so the test rows were evaluated, with the labels given).
    func testTestLabelsCannotReachTheChoice() throws {
        let file = selectionSweep(dataPath: try csvDataSet("labels.csv"))
        try file.text.replacingOccurrences(of: "threshold: 0.5", with: "threshold: tune")
            .write(to: work.appendingPathComponent("select.yaml"), atomically: true, encoding: .utf8)
        let first = try run(["run", "select.yaml", "--results", "a"])
        assertExit(first, 0, "first sweep")
        let a = resultsFolder("select", results: "a")
        let split = try json(a.appendingPathComponent("split.json"))
        let testRows = Set((split["testIndices"]?.array ?? []).compactMap { $0.number.map { Int($0) } })
        XCTAssertEqual(testRows.count, 10, "int(40 * 0.25) test rows")

        _ = try csvDataSet("labels.csv", flipping: testRows)   // same path, other test labels
        let second = try run(["run", "select.yaml", "--results", "b"])
        assertExit(second, 0, "second sweep")
        let b = resultsFolder("select", results: "b")
        for name in ["leaderboard.csv", "runs.csv"] {
            XCTAssertEqual(try read(a.appendingPathComponent(name)), try read(b.appendingPathComponent(name)), "\(name) differs")
        }
        // what the workers got (test rows' targets are zeros), but for the folder it is in
        XCTAssertEqual(try json(a.appendingPathComponent("context.json")).removing(["checkpointsDirectory"]),
                       try json(b.appendingPathComponent("context.json")).removing(["checkpointsDirectory"]), "context.json differs")
        let fa = try json(a.appendingPathComponent("final.json")), fb = try json(b.appendingPathComponent("final.json"))
        for key in ["configuration", "thresholds", "validation", "runs", "pooled_validation", "model", "refit_epochs", "refit_steps"] {
            XCTAssertEqual(fa[key], fb[key], "final.json \(key) differs")
        }
        XCTAssertNotNil(fa["thresholds"]?["tuned"]?.array, "thresholds were tuned")
        XCTAssertNotEqual(fa["test"], fb["test"], "the test result is computed on the test labels")
        let ca = try json(a.appendingPathComponent("best/model.json")), cb = try json(b.appendingPathComponent("best/model.json"))
        XCTAssertEqual(ca["thresholds"], cb["thresholds"])
        XCTAssertEqual(ca["thresholds"], fa["thresholds"]?["tuned"], "best/model.json carries the tuned thresholds")
        XCTAssertEqual(ca["selection"]?["model"]?.string, "refit", "refit is the default with repeats and folds")
        XCTAssertEqual(ca["selection"]?["configuration"], fa["configuration"])
        // the leaderboard: one row per configuration, 4 runs each (2 repeats x 2 folds)
        let board = try CSV.records(read(a.appendingPathComponent("leaderboard.csv")))
        let header = board.first ?? []
        let rows = board.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        XCTAssertEqual(rows.map { $0["runs"] }, ["4", "4"])
        XCTAssertEqual(rows.first?["config_id"], fa["configuration"]?.string)
        XCTAssertEqual(try LeaderboardFile.read(a).rows.count, 8)
    }

    /// Raising `repeats` on a finished sweep runs only the new runs and keeps the old records as they were.
    func testRaisingRepeatsRunsOnlyTheNewRuns() throws {
        var file = sweepFile("again")
        file.grid = [("lr", "[0.0001, 0.01]")]
        file.extra = ["repeats: 1"]
        try write(file, to: "again.yaml")
        assertExit(try run(["run", "again.yaml"]), 0, "repeats 1")
        let folder = resultsFolder("again")
        let before = try TrialsFile.read(folder)
        XCTAssertEqual(before.records.count, 2)
        let third = try run(["run", "again.yaml", "--set", "repeats=3"])
        assertExit(third, 0, "repeats 3")
        XCTAssertTrue(third.stderr.contains("resuming: 2 of 6 trials already finished"), third.stderr)
        XCTAssertTrue(third.stderr.contains("running 4 trial(s)"), third.stderr)
        let after = try TrialsFile.read(folder)
        XCTAssertEqual(after.records.count, 6)
        XCTAssertEqual(after.raw.prefix(before.raw.count), before.raw, "the old records are kept byte for byte")
        XCTAssertEqual(Set(after.records.compactMap { $0["repeat"]?.number }), [0, 1, 2])
        let nothing = try run(["run", "again.yaml", "--set", "repeats=3"])
        assertExit(nothing, 0, "again")
        XCTAssertTrue(nothing.stderr.contains("nothing to do"), nothing.stderr)

        // The report's configurations table holds leaderboard.csv's rows (3 runs each).
        let board = try CSV.records(String(contentsOf: folder.appendingPathComponent("leaderboard.csv"), encoding: .utf8))
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        let start = try XCTUnwrap(html.range(of: "<table id=\"configurations\""), "no configurations table in the report")
        let table = String(html[start.lowerBound...].split(separator: "</table>").first ?? "")
        XCTAssertEqual(table.components(separatedBy: "<tr>").count - 1, board.count, "a header row and one row per configuration")
        let mean = try XCTUnwrap(board[0].firstIndex(of: "objective_mean"))
        let n = try XCTUnwrap(board[0].firstIndex(of: "n"))
        for row in board.dropFirst() {
            XCTAssertEqual(row[n], "3")
            XCTAssertTrue(table.contains("<td class=\"objective\">\(row[mean])</td>"), "mean \(row[mean]) not in the table")
            XCTAssertTrue(table.contains("<td>\(row[1])</td>"), "config \(row[1]) not in the table")
        }
    }

    /// The tuned thresholds equal a brute-force search over every threshold candidate on the
    /// pooled validation scores of the chosen configuration's runs (their val_scores.npy).
    func testTunedThresholdsAreTheBruteForceBest() throws {
        var file = sweepFile("tune")
        file.grid = [("lr", "[0.01]")]
        file.extra = ["repeats: 2", "refit: false"]
        try file.text.replacingOccurrences(of: "threshold: 0.5", with: "threshold: tune")
            .write(to: work.appendingPathComponent("tune.yaml"), atomically: true, encoding: .utf8)
        assertExit(try run(["run", "tune.yaml"]), 0, "sweep run")
        let folder = resultsFolder("tune")
        let final = try json(folder.appendingPathComponent("final.json"))
        let tuned = (final["thresholds"]?["tuned"]?.array ?? []).compactMap(\.number)
        XCTAssertEqual(tuned.count, 5)
        let context = try json(folder.appendingPathComponent("context.json"))
        let targets = (context["targets"]?.array ?? []).compactMap(\.number)
        var scores: [[Double]] = Array(repeating: [], count: 5), labels: [[Bool]] = Array(repeating: [], count: 5)
        for id in (final["runs"]?.array ?? []).compactMap(\.string) {
            let ckpt = folder.appendingPathComponent("checkpoints/\(id)")
            let s = try NPY.read(Data(contentsOf: ckpt.appendingPathComponent("val_scores.npy")))
            let r = try NPY.read(Data(contentsOf: ckpt.appendingPathComponent("val_rows.npy")))
            for (k, row) in r.values.enumerated() {
                for c in 0..<5 {
                    scores[c].append(s.values[k * 5 + c])
                    labels[c].append(targets[Int(row) * 5 + c] != 0)
                }
            }
        }
        XCTAssertFalse(scores[0].isEmpty)
        for c in 0..<5 {
            // brute force: every distinct score's midpoints, below and above, and 0.5; best F1, then closest to 0.5
            let v = Array(Set(scores[c])).sorted()
            var candidates = [0.5, v[0] / 2, (v[v.count - 1] + 1) / 2]
            for i in 1..<max(1, v.count) where i < v.count { candidates.append((v[i - 1] + v[i]) / 2) }
            func f1(_ t: Double) -> Double {
                var tp = 0, fp = 0, fn = 0
                for (s, y) in zip(scores[c], labels[c]) {
                    if s > t && y { tp += 1 } else if s > t { fp += 1 } else if y { fn += 1 }
                }
                return 2 * tp + fp + fn == 0 ? 0 : Double(2 * tp) / Double(2 * tp + fp + fn)
            }
            let best = candidates.map(f1).max() ?? 0
            XCTAssertEqual(f1(tuned[c]), best, "class \(c): the tuned threshold's F1 is the best")
            let closest = candidates.filter { f1($0) == best }.min { abs($0 - 0.5) < abs($1 - 0.5) || (abs($0 - 0.5) == abs($1 - 0.5) && $0 < $1) }
            XCTAssertEqual(tuned[c], closest, "class \(c): ties go to the threshold closest to 0.5")
        }
        let card = try json(folder.appendingPathComponent("best/model.json"))
        XCTAssertEqual((card["thresholds"]?.array ?? []).compactMap(\.number), tuned)
        XCTAssertEqual(card["selection"]?["model"]?.string, "best_run")
    }

    /// `threshold: [..]` (one per class): model.json carries the list, final.json states it
    /// and its test numbers are at it, `sweep predict` labels a class when its probability is
    /// above its own threshold; a list of the wrong length is refused before any work, at its place.
    func testPerClassThresholdsReachTheModelAndPredict() throws {
        let thresholds = [0.2, 0.35, 0.5, 0.65, 0.8]
        var file = sweepFile("given")
        file.dataExtra = ["test: 0.25"]
        file.grid = [("lr", "[0.01]")]
        try file.text.replacingOccurrences(of: "threshold: 0.5", with: "threshold: [0.2, 0.35, 0.5, 0.65, 0.8]")
            .write(to: work.appendingPathComponent("given.yaml"), atomically: true, encoding: .utf8)
        assertExit(try run(["run", "given.yaml"]), 0, "sweep run")
        let folder = resultsFolder("given")
        let card = try json(folder.appendingPathComponent("best/model.json"))
        XCTAssertEqual((card["thresholds"]?.array ?? []).compactMap(\.number), thresholds, "best/model.json")
        let final = try json(folder.appendingPathComponent("final.json"))
        XCTAssertEqual((final["thresholds"]?["given"]?.array ?? []).compactMap(\.number), thresholds, "final.json")
        XCTAssertNil(final["thresholds"]?["tuned"]?.array)
        XCTAssertNotNil(final["test"]?["model"]?["fixed"]?["f1_samples"]?.number)

        let images = Array(dataSet.images.prefix(6))
        let predict = try run(["predict", "--model", folder.appendingPathComponent("best").path] + images)
        assertExit(predict, 0, "sweep predict")
        let lines = predict.stdout.split(separator: "\n").map(String.init).dropFirst()
        XCTAssertEqual(lines.count, images.count, predict.stdout)
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let p = cells.dropFirst(2).compactMap(Double.init)
            XCTAssertEqual(p.count, 5, line)
            let expected = (0..<5).filter { p[$0] > thresholds[$0] }.map { SharedDataSet.classNames[$0] }.joined(separator: ";")
            XCTAssertEqual(cells[1], expected, line)
        }

        try file.text.replacingOccurrences(of: "threshold: 0.5", with: "threshold: [0.2, 0.35, 0.5]")
            .write(to: work.appendingPathComponent("short.yaml"), atomically: true, encoding: .utf8)
        let short = try run(["run", "short.yaml", "--results", "short"])
        XCTAssertNotEqual(short.status, 0, "a list of 3 thresholds for 5 classes")
        XCTAssertTrue(short.stderr.contains("short.yaml:") && short.stderr.contains("train.threshold: gives 3 per-class threshold(s)")
                      && short.stderr.contains("for 5 classes"), short.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: resultsFolder("short", results: "short")
            .appendingPathComponent("trials.jsonl").path), "refused before any trial")
    }
}
