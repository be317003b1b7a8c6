import XCTest
@testable import SweepData

final class CSVDataSetTests: XCTestCase {
    /// A folder with `img/1.jpg ... img/4.jpg` and `img/a,b.jpg` (real JPEGs) and `img/not.jpg` (text).
    private func imageFolder() throws -> URL {
        let folder = try temporaryFolder(self)
        let images = folder.appendingPathComponent("img")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let jpeg = try tinyJPEG()
        for name in ["1.jpg", "2.jpg", "3.jpg", "4.jpg", "a,b.jpg"] {
            try jpeg.write(to: images.appendingPathComponent(name))
        }
        try write("not a jpeg", to: images.appendingPathComponent("not.jpg"))
        return folder
    }

    func testReadsAValidCSV() throws {
        let folder = try imageFolder()
        let csv = folder.appendingPathComponent("labels.csv")
        try write("filename,desert,sea\nimg/1.jpg,1,0\r\n\"img/a,b.jpg\",0,1\n\n./img/2.jpg,1.0,1.0\n", to: csv)
        let d = try DataSets.load(csv.path)
        XCTAssertEqual(d.format, .csv)
        XCTAssertEqual(d.classNames, ["desert", "sea"])
        XCTAssertEqual(d.imagePaths, ["img/1.jpg", "img/a,b.jpg", "./img/2.jpg"])
        XCTAssertEqual(d.targets, [1, 0, 0, 1, 1, 1])
        XCTAssertEqual(d.classCounts, [2, 2])
        XCTAssertEqual(d.cardinalityHistogram, [0, 2, 1])
        XCTAssertFalse(d.isSynthetic)
        XCTAssertEqual(d.imageURL(1).path, folder.appendingPathComponent("img/a,b.jpg").path)
    }

    func testBadRowsAreReportedWithTheirLines() throws {
        let folder = try imageFolder()
        let csv = folder.appendingPathComponent("bad.csv")
        let text = [
            "filename,desert,sea",            // 1
            "img/1.jpg,1,0",                  // 2 fine
            "img/2.jpg,1",                    // 3 wrong column count
            "img/3.jpg,2,0",                  // 4 value not 0/1
            "./img/1.jpg,0,1",                // 5 duplicate of line 2
            "img/missing.jpg,0,1",            // 6 missing file
            "\"img/two",                      // 7-8 a quoted name spanning two lines, missing
            "lines.jpg\",1,0",
            "img/4.jpg,yes,0",                // 9 value not 0/1
            "img/not.jpg,0,1",                // 10 not a JPEG
        ].joined(separator: "\n") + "\n"
        try write(text, to: csv)
        let scan = DataSets.scan(csv.path)
        XCTAssertFalse(scan.isValid)
        let found = scan.problems.map { "\($0.kind.rawValue)@\($0.line.map(String.init) ?? "-")" }
        XCTAssertEqual(found, ["csvColumnCount@3", "badTarget@4", "csvDuplicate@5", "missingImage@6",
                               "missingImage@7", "badTarget@9", "badImage@10"])
        XCTAssertTrue(scan.problems.allSatisfy { $0.file == csv.path })
        XCTAssertTrue(scan.problems[0].message.contains("2 fields; the header has 3"), scan.problems[0].message)
        XCTAssertTrue(scan.problems[1].message.contains("`2` for label `desert`"), scan.problems[1].message)
        XCTAssertTrue(scan.problems[2].message.contains("already listed on line 2"), scan.problems[2].message)
        XCTAssertTrue(scan.problems[3].message.contains("img/missing.jpg"), scan.problems[3].message)
        XCTAssertTrue(scan.problems[6].message.contains("img/not.jpg"), scan.problems[6].message)
        XCTAssertTrue(scan.problems[6].message.contains("not a JPEG"), scan.problems[6].message)
        XCTAssertThrowsError(try DataSets.load(csv.path)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("\(csv.path):3:"), text)
        }
    }

    func testHeaderMustStartWithFilenameAndNameDistinctLabels() throws {
        let folder = try imageFolder()
        let cases = [
            ("path,desert\nimg/1.jpg,1\n", "first column is `path`"),
            ("filename\nimg/1.jpg\n", "no label columns"),
            ("filename,sea,sea\nimg/1.jpg,1,0\n", "`sea` appears twice"),
            ("filename,,sea\nimg/1.jpg,1,0\n", "column 2 has no name"),
        ]
        for (i, (text, expected)) in cases.enumerated() {
            let csv = folder.appendingPathComponent("h\(i).csv")
            try write(text, to: csv)
            let scan = invalidScan(csv)
            XCTAssertEqual(scan.problems.first?.kind, .csvHeader)
            XCTAssertEqual(scan.problems.first?.line, 1)
            XCTAssertTrue(scan.problems.first?.message.contains(expected) ?? false, "\(scan.problems)")
        }
    }

    func testSyntaxErrorEmptyAndMissingFiles() throws {
        let folder = try imageFolder()
        let broken = folder.appendingPathComponent("quote.csv")
        try write("filename,sea\nimg/1.jpg,1\n\"img/2.jpg,0\n", to: broken)
        let syntax = invalidScan(broken).problems.first
        XCTAssertEqual(syntax?.kind, .csvSyntax)
        XCTAssertEqual(syntax?.line, 3)

        let headerOnly = folder.appendingPathComponent("empty.csv")
        try write("filename,sea\n", to: headerOnly)
        XCTAssertEqual(invalidScan(headerOnly).problems.first?.kind, .empty)

        let absent = folder.appendingPathComponent("absent.csv")
        let missing = invalidScan(absent).problems.first
        XCTAssertEqual(missing?.kind, .missingFile)
        XCTAssertEqual(missing?.file, absent.path)
    }

    func testSyntheticMarkerBesideTheCSVIsReported() throws {
        let folder = try imageFolder()
        let csv = folder.appendingPathComponent("labels.csv")
        try write("filename,sea\nimg/1.jpg,1\n", to: csv)
        try write(SyntheticMarker.text(seed: 3, images: 1, generator: "test"), to: folder.appendingPathComponent(SyntheticMarker.fileName))
        let d = try DataSets.load(csv.path)
        XCTAssertTrue(d.isSynthetic)
        XCTAssertTrue(d.origin.contains("seed 3"), d.origin)
    }
}
