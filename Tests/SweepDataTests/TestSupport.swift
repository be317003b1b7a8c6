import Foundation
import SweepVision
import XCTest
@testable import SweepData
import SweepScenes
@_exported import SweepTestSupport

/// The committed fixtures folder.
let fixturesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// A 20-image synthetic MIML folder drawn once per test run (seed 11); tests copy it before
/// breaking it.
enum GeneratedMIML {
    static let count = 20
    static let seed: UInt64 = 11
    nonisolated(unsafe) private static var cached: (URL, SyntheticMIML.Summary)?

    /// The folder and what the generator says it wrote.
    static func folder() throws -> (URL, SyntheticMIML.Summary) {
        if let cached { return cached }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-data-tests-miml-\(UUID().uuidString.prefix(8))")
        let summary = try SyntheticMIML.generate(into: url, count: count, seed: seed)
        cached = (url, summary)
        return (url, summary)
    }

    /// Deletes the generated folder (at the end of the test class using it).
    static func remove() {
        if let (url, _) = cached { try? FileManager.default.removeItem(at: url) }
        cached = nil
    }

    /// A private copy of the generated folder.
    static func copy(_ test: XCTestCase, _ name: String = #function) throws -> URL {
        let (source, _) = try folder()
        let target = try temporaryFolder(test, name).appendingPathComponent("miml")
        try FileManager.default.copyItem(at: source, to: target)
        return target
    }
}

/// Writes a `.mat` with the given variables (built with `MatVariable`) over `miml data.mat` in `folder`.
func writeMat(in folder: URL, _ variables: [MatVariable]) throws {
    let path = folder.appendingPathComponent(MIMLReader.matFileName).path
    try? FileManager.default.removeItem(atPath: path)
    guard let file = MatFile.createV5(path, header: "test") else { throw TestSetupError("cannot create \(path)") }
    for v in variables {
        guard file.write(v, compressed: false) else { throw TestSetupError("cannot write a variable to \(path)") }
    }
}

/// `class_name` as MIML has it: a C x 1 cell of char row vectors.
func classNameVariable(_ names: [String]) -> MatVariable? {
    MatVariable.cell(name: "class_name", rows: names.count, columns: 1, elements: names.compactMap { MatVariable.rawCharRow($0) })
}

/// `targets` (rows, columns) from row-major values.
func targetsVariable(rows: Int, columns: Int, rowMajor: [Double]) -> MatVariable? {
    var columnMajor = [Double](repeating: 0, count: rowMajor.count)
    for r in 0..<rows { for c in 0..<columns { columnMajor[c * rows + r] = rowMajor[r * columns + c] } }
    return MatVariable.doubleMatrix(name: "targets", rows: rows, columns: columns, columnMajor: columnMajor)
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The scan of `path`, failing the test when it is valid (for the broken-piece tests).
func invalidScan(_ path: URL, file: StaticString = #filePath, line: UInt = #line) -> DataSetScan {
    let scan = DataSets.scan(path.path)
    XCTAssertFalse(scan.isValid, "expected problems in \(path.path)", file: file, line: line)
    XCTAssertThrowsError(try DataSets.load(path.path), file: file, line: line)
    return scan
}

/// Writes `text` as a file.
func write(_ text: String, to url: URL) throws {
    try Data(text.utf8).write(to: url)
}

/// A small valid JPEG file (8 x 6 RGB, libjpeg).
func tinyJPEG() throws -> Data {
    Data(try JPEGEncoder.encode(pixels: [UInt8](repeating: 128, count: 8 * 6 * 3), width: 8, height: 6))
}
