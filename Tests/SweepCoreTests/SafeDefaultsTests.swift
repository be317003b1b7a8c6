import SweepCore
import XCTest

/// Issue 13, bug 1: a user's own sweep file never trains on made-up data or weights unless it
/// asks, the data format follows the path, and the resolved file records what runs.
final class SafeDefaultsTests: XCTestCase {
    /// `data: {path: my_dataa}` (a typo, the folder does not exist) used to validate and then
    /// generate 2000 synthetic scenes there.
    func testAMistypedDataPathIsAnErrorNotASyntheticDataSet() {
        let issues = Support.issues("name: a\ndata: {path: my_dataa}\n")
        XCTAssertEqual(issues.map(\.keyPath), ["data.path"], "\(issues)")
        XCTAssertTrue(issues.first?.reason.contains("'my_dataa' does not exist") ?? false, "\(issues)")
    }

    /// Synthesis happens only when the file asks for it, and says it needs the miml format.
    func testSynthesisOnlyWhenAsked() throws {
        let plan = try Support.plan("name: a\ndata: {path: data/nothing-here, synthesize_if_missing: true}\n")
        XCTAssertTrue(plan.spec.data.synthesizeIfMissing)
        XCTAssertEqual(plan.spec.data.format, .miml, "synthesis makes a MIML folder")
        XCTAssertFalse(try Support.plan("name: a\n").spec.data.synthesizeIfMissing)
    }

    /// A `.csv` path is read as CSV without `format:`, and the resolved file says so.
    func testTheFormatIsInferredFromTheCSVPathAndRecorded() throws {
        let plan = try Support.plan("name: a\ndata: {path: data/labels.csv}\n")
        XCTAssertEqual(plan.spec.data.format, .csv)
        XCTAssertFalse(plan.spec.data.synthesizeIfMissing)
        let yaml = try plan.spec.resolvedYAML()
        XCTAssertTrue(yaml.contains("format: csv"), yaml)
        XCTAssertTrue(yaml.contains("synthesize_if_missing: false"), yaml)
        XCTAssertTrue(plan.table().contains("data: csv at data/labels.csv"), plan.table())
    }

    /// A folder holding `miml data.mat` is MIML; a folder without it is an error saying what it needs.
    func testAFolderIsMIMLOnlyWithItsLabelsFile() throws {
        XCTAssertEqual(try Support.plan("name: a\ndata: {path: data/miml}\n").spec.data.format, .miml)
        let issues = Support.issues("name: a\ndata: {path: data/plain-folder}\n")
        XCTAssertEqual(issues.map(\.keyPath), ["data.path"], "\(issues)")
        XCTAssertTrue(issues.first?.reason.contains("miml data.mat") ?? false, "\(issues)")
    }

    /// A format that contradicts the path is an error, not a silent reinterpretation.
    func testAFormatThatContradictsThePathIsAnError() {
        let issues = Support.issues("name: a\ndata: {format: miml, path: data/labels.csv}\n")
        XCTAssertEqual(issues.map(\.keyPath), ["data.format"], "\(issues)")
    }

    /// `weights: imagenet` with the file missing used to fall back to random weights by default.
    func testNoWeightsFallbackUnlessAsked() throws {
        XCTAssertEqual(try Support.plan("name: a\n").spec.backbone.fallback, .error)
        XCTAssertEqual(try Support.plan("name: a\nbackbone: {fallback: random}\n").spec.backbone.fallback, .random)
    }

    /// `random:SEED` is accepted in sweep files as by `embed` and `predict`; `random` is seed 0.
    func testRandomWeightsWithASeed() throws {
        let five = try Support.plan("name: a\nbackbone: {weights: 'random:5'}\n")
        XCTAssertEqual(five.spec.backbone.weights, .random(seed: 5))
        let zero = try Support.plan("name: a\nbackbone: {weights: 'random:0'}\n")
        let plain = try Support.plan("name: a\nbackbone: {weights: random}\n")
        XCTAssertEqual(zero.spec.backbone.weights, plain.spec.backbone.weights)
        XCTAssertEqual(zero.trials.map(\.id), plain.trials.map(\.id), "random:0 is random")
        XCTAssertNotEqual(five.trials.map(\.id), plain.trials.map(\.id))
        let bad = Support.issues("name: a\nbackbone: {weights: 'random:x'}\n")
        XCTAssertEqual(bad.map(\.keyPath), ["backbone.weights"], "\(bad)")
    }

    /// The feature cache follows `--results` unless `backbone.cache` says otherwise.
    func testTheCacheFollowsTheResultsFolder() throws {
        let text = "name: a\n"
        let plan = try SweepFile.parse(text, displayPath: "x.yaml", catalog: Support.catalog,
                                       fileExists: { Support.existing.contains($0) }, defaultWorkers: 1, resultsRoot: "elsewhere")
        XCTAssertEqual(plan.spec.backbone.cache, "elsewhere/cache")
        XCTAssertEqual(try Support.plan(text).spec.backbone.cache, "results/cache")
        XCTAssertEqual(try Support.plan("name: a\nbackbone: {cache: my/cache}\n").spec.backbone.cache, "my/cache")
    }
}
