import CMatio
import XCTest
@testable import SweepData
import SweepScenes

final class MIMLReaderTests: XCTestCase {
    let names = ["desert", "mountains", "sea", "sunset", "trees"]

    override class func tearDown() {
        GeneratedMIML.remove()
        super.tearDown()
    }

    func testGeneratedFolderReadsBackWithTheIntendedTargets() throws {
        let (folder, summary) = try GeneratedMIML.folder()
        let scan = DataSets.scan(folder.path)
        XCTAssertEqual(scan.problems, [])
        let d = try scan.validDataSet()
        XCTAssertEqual(d.format, .miml)
        XCTAssertEqual(d.classNames, names)
        XCTAssertEqual(d.count, GeneratedMIML.count)
        // The label sets the generator drew, independently of what it wrote to disk.
        var rng = SeededRandom(seed: GeneratedMIML.seed, stream: 0)
        let intended = SceneLabels.draw(count: GeneratedMIML.count, rng: &rng)
        for i in 0..<d.count {
            let read = Set(d.labels(i).enumerated().filter { $0.element == 1 }.map(\.offset))
            XCTAssertEqual(read, Set(intended[i]), "image \(i + 1)")
        }
        XCTAssertEqual(d.targets, summary.targets)
        // Numeric order, not lexicographic.
        XCTAssertEqual(d.imagePaths[1], "original_images/2.jpg")
        XCTAssertEqual(d.imagePaths[9], "original_images/10.jpg")
        XCTAssertTrue(d.isSynthetic)
        XCTAssertTrue(d.origin.contains("seed \(GeneratedMIML.seed)"), d.origin)
        XCTAssertEqual(scan.images.checked, GeneratedMIML.count)
        XCTAssertGreaterThanOrEqual(scan.images.minWidth, 250)
        XCTAssertLessThanOrEqual(scan.images.maxWidth, 520)
    }

    func testGeneratedMatHasMIMLsVariablesAndBags() throws {
        let (folder, _) = try GeneratedMIML.folder()
        let file = try XCTUnwrap(MatFile.open(folder.appendingPathComponent(MIMLReader.matFileName).path))
        XCTAssertEqual(file.version, MAT_FT_MAT5)
        let classes = try XCTUnwrap(file.read("class_name")).view
        XCTAssertEqual(classes.classType, MAT_C_CELL)
        XCTAssertEqual(classes.dims, [5, 1])
        XCTAssertEqual(classes.cell(2)?.dims, [1, 3])
        XCTAssertEqual(classes.cell(2)?.text(), "sea")
        let targets = try XCTUnwrap(file.read("targets")).view
        XCTAssertEqual(targets.classType, MAT_C_DOUBLE)
        XCTAssertEqual(targets.dims, [5, GeneratedMIML.count])
        XCTAssertEqual(Set(try XCTUnwrap(targets.doubles())), [-1, 1])
        let bags = try XCTUnwrap(file.read("bags")).view
        XCTAssertEqual(bags.dims, [GeneratedMIML.count, 1])
        for i in 0..<GeneratedMIML.count {
            let bag = try XCTUnwrap(bags.cell(i))
            XCTAssertEqual(bag.dims, [9, 15])
            let values = try XCTUnwrap(bag.doubles())
            // Column 0..2 of each instance is a mean colour in 0...1.
            for r in 0..<9 { for c in 0..<3 { XCTAssertTrue((0...1).contains(values[c * 9 + r])) } }
        }
    }

    func testAMatWithoutBagsIsFine() throws {
        let folder = try GeneratedMIML.copy(self)
        let original = try DataSets.load(folder.path)
        let rows: [Double] = (0..<5).flatMap { k -> [Double] in (0..<20).map { i in original.targets[i * 5 + k] == 1 ? 1.0 : -1.0 } }
        try writeMat(in: folder, [try XCTUnwrap(classNameVariable(names)),
                                  try XCTUnwrap(targetsVariable(rows: 5, columns: 20, rowMajor: rows))])
        XCTAssertEqual(try DataSets.load(folder.path).targets, original.targets)
    }

    func testMissingMat() throws {
        let folder = try GeneratedMIML.copy(self)
        try FileManager.default.removeItem(at: folder.appendingPathComponent(MIMLReader.matFileName))
        let p = try XCTUnwrap(invalidScan(folder).problems.first)
        XCTAssertEqual(p.kind, .missingFile)
        XCTAssertTrue(p.file.hasSuffix("/miml data.mat"), p.file)
    }

    func testUnreadableMat() throws {
        let folder = try GeneratedMIML.copy(self)
        try write("not a MATLAB file at all, just text that is long enough to hold a header" + String(repeating: ".", count: 200),
                  to: folder.appendingPathComponent(MIMLReader.matFileName))
        XCTAssertEqual(invalidScan(folder).problems.first?.kind, .unreadableFile)
    }

    func testMissingClassName() throws {
        let folder = try GeneratedMIML.copy(self)
        try writeMat(in: folder, [try XCTUnwrap(targetsVariable(rows: 5, columns: 20, rowMajor: Array(repeating: 1, count: 100)))])
        let p = try XCTUnwrap(invalidScan(folder).problems.first)
        XCTAssertEqual(p.kind, .missingVariable)
        XCTAssertTrue(p.message.contains("`class_name`"), p.message)
    }

    func testMissingTargets() throws {
        let folder = try GeneratedMIML.copy(self)
        try writeMat(in: folder, [try XCTUnwrap(classNameVariable(names))])
        let p = try XCTUnwrap(invalidScan(folder).problems.first)
        XCTAssertEqual(p.kind, .missingVariable)
        XCTAssertTrue(p.message.contains("`targets`"), p.message)
    }

    func testTargetsTransposedIsAShapeError() throws {
        let folder = try GeneratedMIML.copy(self)
        try writeMat(in: folder, [try XCTUnwrap(classNameVariable(names)),
                                  try XCTUnwrap(targetsVariable(rows: 20, columns: 5, rowMajor: Array(repeating: -1, count: 100)))])
        let p = try XCTUnwrap(invalidScan(folder).problems.first)
        XCTAssertEqual(p.kind, .wrongShape)
        XCTAssertTrue(p.message.contains("20x5 double") && p.message.contains("expected 5 x N"), p.message)
    }

    func testClassNameAsCharArrayIsATypeError() throws {
        let folder = try GeneratedMIML.copy(self)
        let chars = try XCTUnwrap(MatVariable.rawCharRow("desert"))
        try writeMat(in: folder, [MatVariable(owning: chars).renamed("class_name"),
                                  try XCTUnwrap(targetsVariable(rows: 5, columns: 20, rowMajor: Array(repeating: 1, count: 100)))])
        let p = try XCTUnwrap(invalidScan(folder).problems.first)
        XCTAssertEqual(p.kind, .wrongType)
        XCTAssertTrue(p.message.contains("`class_name` is a 1x6 char"), p.message)
    }

    func testTargetsAsCellIsATypeError() throws {
        let folder = try GeneratedMIML.copy(self)
        let cells = (0..<5).compactMap { _ in MatVariable.rawDoubleMatrix(name: nil, rows: 1, columns: 1, columnMajor: [1]) }
        try writeMat(in: folder, [try XCTUnwrap(classNameVariable(names)),
                                  try XCTUnwrap(MatVariable.cell(name: "targets", rows: 5, columns: 1, elements: cells))])
        let p = try XCTUnwrap(invalidScan(folder).problems.first)
        XCTAssertEqual(p.kind, .wrongType)
        XCTAssertTrue(p.message.contains("`targets` is a 5x1 cell"), p.message)
    }

    func testZeroInTargetsNamesTheCell() throws {
        let folder = try GeneratedMIML.copy(self)
        var rows = [Double](repeating: -1, count: 100)
        for i in 0..<20 { rows[4 * 20 + i] = 1 }  // every image is `trees`
        rows[2 * 20 + 6] = 0  // sea, image 7
        try writeMat(in: folder, [try XCTUnwrap(classNameVariable(names)), try XCTUnwrap(targetsVariable(rows: 5, columns: 20, rowMajor: rows))])
        let scan = invalidScan(folder)
        XCTAssertEqual(scan.totalProblems, 1)
        let p = try XCTUnwrap(scan.problems.first)
        XCTAssertEqual(p.kind, .badTarget)
        XCTAssertTrue(p.message.contains("`targets(3,7)` = 0.0 (class sea, image 7.jpg)"), p.message)
    }

    func testEmptyAndRepeatedClassNames() throws {
        for (bad, expected) in [(["desert", "sea", "sea"], "repeats `sea`"), (["desert", "", "sea"], "is empty")] {
            let folder = try GeneratedMIML.copy(self, "classNames\(expected.count)")
            try writeMat(in: folder, [try XCTUnwrap(classNameVariable(bad)),
                                      try XCTUnwrap(targetsVariable(rows: 3, columns: 20, rowMajor: Array(repeating: 1, count: 60)))])
            let p = try XCTUnwrap(invalidScan(folder).problems.first)
            XCTAssertEqual(p.kind, .badClassName)
            XCTAssertTrue(p.message.contains(expected), p.message)
        }
    }

    func testMissingImageIsNamedAndCounted() throws {
        let folder = try GeneratedMIML.copy(self)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("original_images/7.jpg"))
        let scan = invalidScan(folder)
        XCTAssertEqual(scan.problems.map(\.kind), [.imageCount, .missingImage])
        XCTAssertTrue(scan.problems[0].message.contains("holds 19 JPEG files but `targets`"), scan.problems[0].message)
        XCTAssertTrue(scan.problems[1].file.hasSuffix("original_images/7.jpg"), scan.problems[1].file)
    }

    func testExtraImageChangesTheCount() throws {
        let folder = try GeneratedMIML.copy(self)
        try tinyJPEG().write(to: folder.appendingPathComponent("original_images/21.jpg"))
        let scan = invalidScan(folder)
        XCTAssertEqual(scan.problems.map(\.kind), [.imageCount])
        XCTAssertTrue(scan.problems[0].message.contains("holds 21 JPEG files"), scan.problems[0].message)
    }

    func testImageThatIsNotAJPEG() throws {
        let folder = try GeneratedMIML.copy(self)
        try write("GIF89a", to: folder.appendingPathComponent("original_images/3.jpg"))
        let p = try XCTUnwrap(invalidScan(folder).problems.first)
        XCTAssertEqual(p.kind, .badImage)
        XCTAssertTrue(p.file.hasSuffix("original_images/3.jpg") && p.message.contains("no SOI marker"), "\(p)")
    }

    func testMissingImageFolder() throws {
        let folder = try GeneratedMIML.copy(self)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("original_images"))
        let p = try XCTUnwrap(invalidScan(folder).problems.first)
        XCTAssertEqual(p.kind, .missingFile)
        XCTAssertTrue(p.file.hasSuffix("original_images"), p.file)
    }

    func testPathsThatAreNotDataSets() throws {
        let folder = try temporaryFolder(self)
        XCTAssertEqual(DataSets.scan(folder.appendingPathComponent("nope").path).problems.first?.kind, .missingFile)
        let other = folder.appendingPathComponent("notes.txt")
        try write("hello", to: other)
        XCTAssertEqual(DataSets.scan(other.path).problems.first?.kind, .unreadableFile)
    }

    func testTheMatPathItselfOpensTheFolder() throws {
        let (folder, _) = try GeneratedMIML.folder()
        XCTAssertTrue(DataSets.scan(folder.appendingPathComponent(MIMLReader.matFileName).path).isValid)
    }
}

extension MatVariable {
    /// The same variable under another name (for writing test files).
    func renamed(_ name: String) -> MatVariable {
        free(pointer.pointee.name)
        pointer.pointee.name = strdup(name)
        return self
    }
}
