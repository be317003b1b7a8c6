import XCTest
@testable import SweepData

/// Issue 13: the second CSV layout (`filename,labels`), PNG images in data sets, decoding every
/// image, and what the labels mean for a sweep.
final class CSVLayoutAndAdviceTests: XCTestCase {
    private func folder(pngs: Bool = false) throws -> URL {
        let folder = try temporaryFolder(self)
        let jpeg = try tinyJPEG()
        for name in ["a.jpg", "b.jpg", "c.jpg", "d.jpg"] { try jpeg.write(to: folder.appendingPathComponent(name)) }
        if pngs {
            let png = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/vision/png_rgb8.png")
            try FileManager.default.copyItem(at: png, to: folder.appendingPathComponent("e.png"))
        }
        return folder
    }

    func testTheLabelListLayoutWithSpacesOrSemicolons() throws {
        let folder = try self.folder(pngs: true)
        let csv = folder.appendingPathComponent("list.csv")
        try write("filename,labels\na.jpg,owl cat\nb.jpg,dog;cat\nc.jpg,\n\"d.jpg\",  fox \ne.png,owl\n", to: csv)
        let d = try DataSets.load(csv.path)
        XCTAssertEqual(d.classNames, ["cat", "dog", "fox", "owl"], "every label used, sorted")
        XCTAssertEqual(d.imagePaths, ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.png"])
        XCTAssertEqual(d.targets, [1, 0, 0, 1,
                                   1, 1, 0, 0,
                                   0, 0, 0, 0,
                                   0, 0, 1, 0,
                                   0, 0, 0, 1])
        let scan = DataSets.scan(csv.path)
        XCTAssertEqual(scan.images.listed, 5)
        XCTAssertEqual(scan.images.png, 1, "the PNG's header is read too")
        // A row with a third field is a column-count problem naming the layout.
        try write("filename,labels\na.jpg,cat\nb.jpg,cat,dog\n", to: csv)
        XCTAssertTrue(invalidScan(csv).problems.contains { $0.kind == .csvColumnCount && $0.message.contains("(filename, labels)") })
    }

    /// Truncated image data passes the header probe; decoding every image finds it.
    func testDecodeCheckFindsWhatTheHeaderProbeCannot() throws {
        let folder = try self.folder()
        let jpeg = try tinyJPEG()
        try jpeg.prefix(jpeg.count * 2 / 3).write(to: folder.appendingPathComponent("b.jpg"))
        let csv = folder.appendingPathComponent("l.csv")
        try write("filename,cat\na.jpg,1\nb.jpg,0\nc.jpg,1\n", to: csv)
        let scan = DataSets.scan(csv.path)
        XCTAssertTrue(scan.isValid, "the headers are fine")
        let dataset = try XCTUnwrap(scan.dataset)
        let problems = DecodeCheck.problems(dataset, streams: 2)
        XCTAssertEqual(problems.map(\.file), [folder.appendingPathComponent("b.jpg").path])
        XCTAssertEqual(problems.first?.kind, .badImage)
        var withDecoding = scan
        withDecoding.add(problems, limit: 20)
        XCTAssertFalse(withDecoding.isValid)

        // A missing image and a file that is no image are the scan's problems, not reported twice.
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("e.jpg"))
        try write("filename,cat\na.jpg,1\nb.jpg,0\nc.jpg,1\nmissing.jpg,0\ne.jpg,1\n", to: csv)
        let broken = DataSets.scan(csv.path)
        XCTAssertEqual(broken.totalProblems, 2, "\(broken.problems)")
        let again = DecodeCheck.problems(try XCTUnwrap(broken.dataset), streams: 2)
        XCTAssertEqual(again.map(\.file), [folder.appendingPathComponent("b.jpg").path], "only the truncated one is new")
    }

    func testLabelAdviceNamesTheConsequences() {
        func dataset(_ rows: [[UInt8]], classes: [String]) -> LabelledImages {
            LabelledImages(format: .csv, root: URL(fileURLWithPath: "/d"), labelsFile: URL(fileURLWithPath: "/d/l.csv"),
                           classNames: classes, imagePaths: rows.indices.map { "\($0).jpg" }, targets: rows.flatMap { $0 },
                           isSynthetic: false, origin: "t")
        }
        var rows = (0..<40).map { i -> [UInt8] in [i % 2 == 0 ? 1 : 0, i % 2 == 1 ? 1 : 0, 0, i < 2 ? 1 : 0] }
        rows[5] = [0, 0, 0, 0]
        rows[6] = [0, 0, 0, 0]
        let notes = LabelAdvice.notes(dataset(rows, classes: ["cat", "dog", "fox", "owl"]))
        XCTAssertEqual(notes.count, 3, "\(notes)")
        XCTAssertTrue(notes[0].hasPrefix("2 of 40 images have no label: roc_auc_samples"), notes[0])
        XCTAssertTrue(notes[1].contains("no image: fox") && notes[1].contains("pos_weight: auto"), notes[1])
        XCTAssertTrue(notes[2].contains("rare class(es): owl (2)") && notes[2].contains("data.stratified: true"), notes[2])
        let clean = (0..<40).map { i -> [UInt8] in [i % 2 == 0 ? 1 : 0, i % 2 == 1 ? 1 : 0] }
        XCTAssertEqual(LabelAdvice.notes(dataset(clean, classes: ["cat", "dog"])), [])
    }
}
