import Foundation
import XCTest

/// `sweep run` writes `report.html` and the chosen epoch's validation scores; `sweep report`
/// and `sweep show` read a results folder (the browser checks are Tests/e2e/report_browser_test.sh).
final class ReportCommandTests: CLITestCase {
    /// The scores in `best/` are the chosen epoch's: F1 (samples, macro, micro) recomputed here
    /// from `val_scores.npy`, `val_rows.npy` and the targets in `context.json` equal the
    /// record's validation metrics at its best epoch.
    func testRunWritesTheReportAndTheChosenEpochsValidationScores() throws {
        var file = sweepFile("scored")
        file.epochs = 4
        file.grid = [("lr", "[0.001, 0.01]")]
        let sweep = try write(file, to: "scored.yaml")
        let outcome = try run(["run", sweep, "--set", "train.metrics=[f1_samples,f1_macro,f1_micro]"])
        assertExit(outcome, 0, "sweep run")
        let folder = resultsFolder("scored")
        XCTAssertTrue(outcome.stdout.contains("report:      results/scored/report.html"), outcome.stdout)
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.hasSuffix("</html>\n"))
        XCTAssertTrue(html.contains("2 of 2 trials finished"))

        let best = folder.appendingPathComponent("best")
        let scores = try NumpyFile(best.appendingPathComponent("val_scores.npy"))
        let rows = try NumpyFile(best.appendingPathComponent("val_rows.npy"))
        let context = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: folder.appendingPathComponent("context.json")))
        let validation = context["validationIndices"]?.array.compactMap { $0.number.map { Int($0) } } ?? []
        let targets = context["targets"]?.array.compactMap { $0.number.map { UInt8($0) } } ?? []
        let classes = SharedDataSet.classNames.count
        XCTAssertEqual(scores.dtype, "<f8")
        XCTAssertEqual(scores.shape, [validation.count, classes])
        XCTAssertEqual(rows.shape, [validation.count])
        XCTAssertEqual(rows.values.map { Int($0) }, validation, "the validation rows, in the trial's order")

        let id = try FileManager.default.destinationOfSymbolicLink(atPath: best.path).replacingOccurrences(of: "checkpoints/", with: "")
        let record = try XCTUnwrap(try TrialsFile.read(folder).record(id))
        let epoch = try XCTUnwrap(record.epochs.first { $0["epoch"]?.number.map { Int($0) } == record.bestEpoch })
        func f1(_ tp: Int, _ fp: Int, _ fn: Int) -> Double { 2 * tp + fp + fn == 0 ? 0 : Double(2 * tp) / Double(2 * tp + fp + fn) }
        var tp = [Int](repeating: 0, count: classes), fp = tp, fn = tp
        var sampleF1 = 0.0
        for (k, row) in validation.enumerated() {
            var t = 0, f = 0, n = 0
            for c in 0..<classes {
                let p = scores.values[k * classes + c] > 0.5, y = targets[row * classes + c] != 0
                if p && y { tp[c] += 1; t += 1 } else if p { fp[c] += 1; f += 1 } else if y { fn[c] += 1; n += 1 }
            }
            sampleF1 += f1(t, f, n)
        }
        let macro = (0..<classes).map { f1(tp[$0], fp[$0], fn[$0]) }.reduce(0, +) / Double(classes)
        let micro = f1(tp.reduce(0, +), fp.reduce(0, +), fn.reduce(0, +))
        XCTAssertEqual(sampleF1 / Double(validation.count), try XCTUnwrap(epoch["val"]?["f1_samples"]?.number), accuracy: 1e-12)
        XCTAssertEqual(macro, try XCTUnwrap(epoch["val"]?["f1_macro"]?.number), accuracy: 1e-12)
        XCTAssertEqual(micro, try XCTUnwrap(epoch["val"]?["f1_micro"]?.number), accuracy: 1e-12)

        // sweep report: to another file; sweep show: fitted to COLUMNS.
        let out = work.appendingPathComponent("copy.html").path
        let report = try run(["report", "results/scored", "--out", out])
        assertExit(report, 0, "sweep report")
        XCTAssertEqual(report.stdout, out + "\n")
        let copy = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(copy.contains("data-id=\"\(id)\""))
        XCTAssertTrue(copy.contains("class=\"banner random-trunk\""), "random weights are announced")
        XCTAssertTrue(copy.contains("class=\"banner synthetic\""), "synthetic data are announced")
        for width in [50, 120] {
            let show = try BinaryRun(binary: binary, arguments: ["show", "results/scored"], in: work, logs: logs,
                                     environment: Self.noImageNet(under: root).merging(["COLUMNS": "\(width)"]) { $1 }).wait(timeout: 60)
            assertExit(show, 0, "sweep show")
            XCTAssertTrue(show.stdout.contains(id), show.stdout)
            XCTAssertTrue(show.stdout.contains("!! RANDOM TRUNK WEIGHTS"), show.stdout)
            for line in show.stdout.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, width, String(line)) }
        }
    }

    /// During a run, `report.html` is rewritten as trials finish (a reload shows progress) and
    /// every read of it sees a whole page (written to a temporary file, then renamed).
    func testReportIsRefreshedAtomicallyDuringTheRun() throws {
        var file = sweepFile("live")
        file.epochs = 40
        file.depth = 2
        file.workers = 1
        file.grid = [("lr", "[0.0001, 0.001, 0.01]"), ("dropout", "[0.0, 0.5]")]
        let sweep = try write(file, to: "live.yaml")
        let path = resultsFolder("live").appendingPathComponent("report.html").path
        let running = try start(["run", sweep])
        var seen = Set<Int>()
        var torn = 0
        while running.isRunning {
            if let html = try? String(contentsOfFile: path, encoding: .utf8) {
                if !html.hasSuffix("</html>\n") { torn += 1 }
                if let r = html.range(of: #"(\d+) of 6 trials finished"#, options: .regularExpression),
                   let n = Int(html[r].split(separator: " ")[0]) { seen.insert(n) }
            }
            usleep(20_000)
        }
        assertExit(try running.wait(timeout: 300), 0, "sweep run")
        XCTAssertEqual(torn, 0, "a read saw a partly written report")
        XCTAssertFalse(seen.filter { $0 > 0 && $0 < 6 }.isEmpty, "no intermediate report seen: \(seen.sorted())")
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("6 of 6 trials finished"))
    }

    func testReportOfAFolderThatIsNoResultsFolderIsAnErrorNamingIt() throws {
        try FileManager.default.createDirectory(at: work.appendingPathComponent("empty"), withIntermediateDirectories: true)
        for command in ["report", "show"] {
            let outcome = try run([command, "empty"], timeout: 60)
            assertExit(outcome, 1, "sweep \(command) on an empty folder")
            XCTAssertTrue(outcome.stderr.contains("empty: not a results folder (no sweep.yaml)"), outcome.stderr)
        }
    }
}

/// A `.npy` file read independently of the code under test (version 1.0 header, C order).
struct NumpyFile {
    var dtype: String
    var shape: [Int]
    var values: [Double]

    struct Invalid: Error {}

    init(_ url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 10, bytes[0] == 0x93, bytes[6] == 1 else { throw Invalid() }
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<10 + length], as: UTF8.self)
        guard let d = header.range(of: #"'descr': '([<>|a-z0-9]+)'"#, options: .regularExpression),
              let s = header.range(of: #"'shape': \(([0-9, ]*)\)"#, options: .regularExpression) else { throw Invalid() }
        dtype = String(header[d].dropFirst(10).dropLast())
        shape = header[s].dropFirst(10).dropLast().split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let body = Array(bytes[(10 + length)...])
        let integers = dtype == "<i8"
        values = stride(from: 0, to: body.count, by: 8).map { i in
            let bits = (0..<8).reduce(UInt64(0)) { $0 | UInt64(body[i + $1]) << (8 * UInt64($1)) }
            return integers ? Double(Int64(bitPattern: bits)) : Double(bitPattern: bits)
        }
    }
}
