import Foundation
import XCTest
import SweepCSV

/// `sweep predict` against PyTorch: `Tests/Fixtures/predict/` holds a head saved as sweep saves
/// one (nn.Sequential state_dict in safetensors, a model card with threshold 0.6) with input
/// features, and torch's probabilities and thresholded labels (`make_predict_fixture.py`).
final class PredictFixtureTests: CLITestCase {
    struct Expected: Decodable {
        var threshold: Double
        var classes: [String]
        var probabilities: [[Double]]
        var labels: [[String]]
    }

    let fixture = SweepBinary.packageRoot.appendingPathComponent("Tests/Fixtures/predict")

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixture.appendingPathComponent("expected.json")))
    }

    /// The rows of predict's CSV output after its header, which must be `path, labels, p_<class>...`.
    func rows(_ stdout: String, classes: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        guard case .success(let records) = CSVParser.parse(Array(stdout.utf8)) else {
            XCTFail("predict's output is not CSV:\n\(stdout)", file: file, line: line)
            return []
        }
        XCTAssertEqual(records.first?.fields, ["path", "labels"] + classes.map { "p_" + $0 }, file: file, line: line)
        return records.dropFirst().map(\.fields)
    }

    func assertMatchesTorch(_ rows: [[String]], names: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let e = try expected()
        XCTAssertEqual(rows.count, e.probabilities.count, file: file, line: line)
        for (i, (row, p)) in zip(rows, e.probabilities).enumerated() {
            XCTAssertEqual(row.first, names[i], file: file, line: line)
            XCTAssertEqual(row.count, 2 + e.classes.count, file: file, line: line)
            let got = row.dropFirst(2).compactMap(Double.init)
            XCTAssertEqual(got.count, p.count, "row \(i): \(row)", file: file, line: line)
            for (a, b) in zip(got, p) { XCTAssertEqual(a, b, accuracy: 1e-6, "row \(i): \(row) vs torch \(p)", file: file, line: line) }
            XCTAssertEqual(row[1], e.labels[i].joined(separator: ";"), "row \(i): labels at the card's threshold", file: file, line: line)
        }
    }

    func testPredictOnFeaturesMatchesPyTorchAtTheCardsThreshold() throws {
        let e = try expected()
        // the fixture can tell the card's 0.6 from 0.5: some probability lies between them
        XCTAssertTrue(e.probabilities.joined().contains { $0 > 0.5 && $0 <= e.threshold })
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("head"), to: work.appendingPathComponent("head"))
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("features.npy"), to: work.appendingPathComponent("f.npy"))
        let outcome = try run(["predict", "--model", "head", "--features", "f.npy"])
        assertExit(outcome, 0, "sweep predict --features f.npy")
        try assertMatchesTorch(try rows(outcome.stdout, classes: e.classes), names: (0..<e.probabilities.count).map { "row:\($0)" })
    }

    /// The same features as the CSV `sweep embed` writes (path column first, f0, f1, ...).
    func testPredictOnEmbedCSVFeaturesMatchesPyTorch() throws {
        let e = try expected()
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("head"), to: work.appendingPathComponent("head"))
        let npy = try Data(contentsOf: fixture.appendingPathComponent("features.npy"))
        let headerLength = Int(npy[8]) | Int(npy[9]) << 8
        let floats: [Float] = npy.dropFirst(10 + headerLength).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let columns = floats.count / e.probabilities.count
        var text = (["path"] + (0..<columns).map { "f\($0)" }).joined(separator: ",") + "\n"
        let names = (0..<e.probabilities.count).map { "img \($0),x.jpg" }
        for (i, name) in names.enumerated() {
            text += "\"\(name)\"," + floats[(i * columns)..<((i + 1) * columns)].map { "\($0)" }.joined(separator: ",") + "\n"
        }
        try text.write(to: work.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
        let outcome = try run(["predict", "--model", "head", "--features", "f.csv"])
        assertExit(outcome, 0, "sweep predict --features f.csv")
        try assertMatchesTorch(try rows(outcome.stdout, classes: e.classes), names: names)
    }

    func testFeaturesOfAnotherWidthAreRefused() throws {
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("head"), to: work.appendingPathComponent("head"))
        try "path,f0,f1\na.jpg,1,2\n".write(to: work.appendingPathComponent("narrow.csv"), atomically: true, encoding: .utf8)
        let outcome = try run(["predict", "--model", "head", "--features", "narrow.csv"])
        assertExit(outcome, 1, "features of 2 columns for a 16-input head")
        XCTAssertTrue(outcome.stderr.contains("2 features per row, the head takes 16"), outcome.stderr)
    }
}
