import Foundation
import XCTest

/// Issue 13's friction items, end to end on the binary: predict/embed inputs, data inspect,
/// the schema and help, the dry run, the results folder, model cards and `keep`.
final class FrictionTests: CLITestCase {
    /// Trains `file` (one epoch per trial) and returns its results folder.
    func train(_ file: SweepFileText) throws -> URL {
        assertExit(try run(["run", try write(file, to: file.name + ".yaml")]), 0, "training \(file.name)")
        return resultsFolder(file.name)
    }

    /// One bad image does not cost the others their rows; folders are searched recursively and
    /// sorted; PNG images are read.
    func testPredictSkipsBadImagesAndReadsFoldersAndPNG() throws {
        var file = sweepFile("inputs")
        file.epochs = 1
        file.grid = [("lr", "[0.001]")]
        _ = try train(file)
        let images = work.appendingPathComponent("imgs/sub")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dataSet.images[0], toPath: work.appendingPathComponent("imgs/b.jpg").path)
        try FileManager.default.copyItem(atPath: dataSet.images[1], toPath: images.appendingPathComponent("a.JPG").path)
        let png = SweepBinary.packageRoot.appendingPathComponent("Tests/Fixtures/vision/png_pillow_rgba.png")
        try FileManager.default.copyItem(at: png, to: images.appendingPathComponent("c.png"))
        try Data("not an image".utf8).write(to: images.appendingPathComponent("broken.jpg"))
        try Data("notes".utf8).write(to: images.appendingPathComponent("readme.txt"))

        let outcome = try run(["predict", "--model", "results/inputs/best", "imgs"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let rows = try CSV.records(outcome.stdout)
        XCTAssertEqual(rows.dropFirst().map { $0[0] }, ["imgs/b.jpg", "imgs/sub/a.JPG", "imgs/sub/c.png"], outcome.stdout)
        XCTAssertEqual(outcome.stderrLines.count, 2, outcome.stderr)
        XCTAssertTrue(outcome.stderrLines[0].hasPrefix("error: imgs/sub/broken.jpg: not a JPEG or PNG"), outcome.stderr)
        XCTAssertTrue(outcome.stderrLines[1].contains("1 of 4 image(s) could not be read"), outcome.stderr)
    }

    /// `data inspect` decodes every image unless --quick, and says what the labels mean.
    func testDataInspectDecodesEveryImageUnlessQuick() throws {
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: dataSet.images[2]))
        try jpeg.prefix(jpeg.count * 2 / 3).write(to: work.appendingPathComponent("cut.jpg"))
        let text = "filename,labels\n" + dataSet.images.prefix(3).map { $0 + ",cat dog" }.joined(separator: "\n")
            + "\n\(dataSet.images[3]),\ncut.jpg,owl\n"
        try text.write(to: work.appendingPathComponent("list.csv"), atomically: true, encoding: .utf8)

        let full = try run(["data", "inspect", "list.csv"], timeout: 120)
        XCTAssertEqual(full.status, 1, full.stdout)
        XCTAssertTrue(full.stdout.contains("images: 5"), full.stdout)
        XCTAssertTrue(full.stdout.contains("decoded: 4 of 5"), full.stdout)
        XCTAssertTrue(full.stdout.contains("cut.jpg: does not decode"), full.stdout)
        XCTAssertTrue(full.stdout.contains("1 of 5 images has no label: roc_auc_samples"), full.stdout)
        XCTAssertTrue(full.stdout.contains("rare class(es): cat (3), dog (3), owl (1)"), full.stdout)
        XCTAssertTrue(full.stdout.hasSuffix("valid: NO\n"), full.stdout)

        let quick = try run(["data", "inspect", "list.csv", "--quick"], timeout: 120)
        assertExit(quick, 0, "inspect --quick")
        XCTAssertTrue(quick.stdout.contains("decoded: not checked (--quick)"), quick.stdout)
        XCTAssertTrue(quick.stdout.hasSuffix("valid: yes\n"), quick.stdout)
    }

    func testSchemaListsEveryKeyAndRunHelpSaysItsDefaultOnce() throws {
        let schema = try run(["schema"], timeout: 60)
        assertExit(schema, 0, "schema")
        for key in ["data.format: one of miml, csv; default from data.path", "data.synthesize_if_missing: true or false; default false",
                    "backbone.fallback: one of random, error; default error", "train.head.widths: list of integers >= 1",
                    "keep: integer >= 1; default 1", "backbone.cache: path; default <results>/cache"] {
            XCTAssertTrue(schema.stdout.contains(key), "'\(key)' missing:\n\(schema.stdout)")
        }
        let help = try run(["run", "--help"], timeout: 60)
        assertExit(help, 0, "run --help")
        XCTAssertEqual(help.stdout.components(separatedBy: "default: results").count - 1, 1, help.stdout)
        XCTAssertTrue(help.stdout.contains("sweep schema"), help.stdout)
    }

    /// The dry run marks the trials already finished.
    func testDryRunMarksFinishedTrials() throws {
        var file = sweepFile("marks")
        file.epochs = 1
        file.grid = [("lr", "[0.001]")]
        let folder = try train(file)
        let finished = try XCTUnwrap(try TrialsFile.read(folder).ids.first)
        let dry = try run(["run", "marks.yaml", "--dry-run", "--set", "grid.lr=[0.001, 0.01]"], timeout: 120)
        assertExit(dry, 0, "dry run")
        XCTAssertTrue(dry.stdout.contains("already finished: 1 of 2 (marked below); `sweep run` runs the other 1"), dry.stdout)
        let rows = dry.stdout.split(separator: "\n").filter { $0.first?.isNumber ?? false }
        XCTAssertEqual(rows.count, 2)
        XCTAssertTrue(rows.contains { $0.contains(finished) && $0.hasSuffix("complete") }, dry.stdout)
        XCTAssertTrue(rows.contains { !$0.contains(finished) && $0.hasSuffix("-") }, dry.stdout)
    }

    /// Without `backbone.cache`, `--results DIR` puts the feature cache in DIR/cache.
    func testResultsFolderMovesTheCacheToo() throws {
        var file = sweepFile("moved")
        file.writeCache = false
        file.epochs = 1
        file.grid = [("lr", "[0.001]")]
        assertExit(try run(["run", try write(file, to: "moved.yaml"), "--results", "elsewhere"]), 0, "run --results elsewhere")
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("elsewhere/cache").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("results").path))
        let recorded = try String(contentsOf: work.appendingPathComponent("elsewhere/moved/sweep.yaml"), encoding: .utf8)
        XCTAssertTrue(recorded.contains("cache: elsewhere/cache"), recorded)
    }

    /// `keep: 2` keeps two checkpoints; the model card states the head's PyTorch layout;
    /// `train.head.widths` is swept.
    func testKeepWidthsAndThePyTorchLayoutInTheModelCard() throws {
        var file = sweepFile("kept")
        file.epochs = 1
        file.grid = [("widths", "[[64], [32, 16], [8]]")]
        file.extra = ["keep: 2"]
        let folder = try train(file)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path)
        XCTAssertEqual(checkpoints.count, 2, "\(checkpoints)")
        let board = try LeaderboardFile.read(folder)
        XCTAssertEqual(Set(checkpoints), Set(board.rows.prefix(2).compactMap { $0["id"] }), "the two best trials")
        let card = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: folder.appendingPathComponent("best/model.json")))
        let modules = card["pytorch"]?["modules"]?.array.compactMap(\.string) ?? []
        let widths = card["head"]?["widths"]?.array.compactMap(\.number).map { Int($0) } ?? []
        XCTAssertFalse(widths.isEmpty, "the card records the widths")
        XCTAssertEqual(modules.first, "0: Linear(in_features=2048, out_features=\(widths[0]), bias=True)")
        XCTAssertEqual(modules.count, widths.count * 4 + 1, "Linear, BatchNorm1d, ReLU, Dropout per block, then the output Linear")
        XCTAssertTrue(card["pytorch"]?["sequential"]?.string?.hasPrefix("nn.Sequential(nn.Linear(in_features=2048, ") ?? false)
    }
}
