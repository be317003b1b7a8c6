import SweepCore
import XCTest

/// `sweep schema` is generated from the table the decoder reads the file with: every key it
/// lists is accepted, its documented defaults are what the decoder uses, and the head widths
/// key (issue 13) behaves as documented.
final class SchemaTests: XCTestCase {
    /// Every listed key can be written (and a key that is not listed is refused, by the decoder).
    func testEveryListedKeyIsAcceptedAndEveryTopKeyIsListed() throws {
        let entries = SweepSchema.entries
        let paths = entries.map(\.path)
        XCTAssertEqual(Set(paths).count, paths.count, "a key listed twice")
        for required in ["name", "data.path", "data.format", "data.synthesize_if_missing", "backbone.weights",
                         "backbone.fallback", "backbone.cache", "train.head.widths", "train.loss", "train.metrics",
                         "train.objective.metric", "grid", "workers", "keep"] {
            XCTAssertTrue(paths.contains(required), "\(required) missing from the schema")
        }
        for e in entries {
            XCTAssertFalse(e.type.isEmpty, e.path)
            XCTAssertFalse(e.meaning.isEmpty, e.path)
        }
        // A misspelt key is refused with a suggestion taken from the same table.
        let issues = Support.issues("name: a\nbackbone: {weigths: random}\n")
        XCTAssertEqual(issues.first?.reason.contains("did you mean 'weights'"), true, "\(issues)")
    }

    /// Writing a documented default out changes nothing: the same spec, the same trial ids.
    /// (Defaults that depend on other keys or on the machine are described in words and skipped;
    /// most are plain values.)
    func testDocumentedDefaultsAreTheDecodersDefaults() throws {
        let base = try Support.plan("name: a\n")
        var checked = 0
        for e in SweepSchema.entries {
            let value = e.defaultValue
            guard !value.isEmpty, !value.contains(" "), !value.contains("<"), !["required", "none"].contains(value),
                  e.path != "name" else { continue }
            let plan = try Support.plan("name: a\n", overrides: ["\(e.path)=\(value)"])
            XCTAssertEqual(plan.spec, base.spec, "\(e.path): writing its default \(value) changes the spec")
            XCTAssertEqual(plan.trials.map(\.id), base.trials.map(\.id), e.path)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 25, "most defaults are checked")
    }

    func testSchemaTextListsKeyTypeDefaultAndMeaning() {
        let text = SweepSchema.text()
        XCTAssertTrue(text.contains("\ndata.validation: number in (0, 1); default 0.3\n    share of the images"), text)
        XCTAssertTrue(text.contains("sweepable as grid.lr"), text)
        XCTAssertTrue(text.contains("relative to the working directory"), text)
        XCTAssertTrue(text.split(separator: "\n").allSatisfy { $0.count <= 100 }, "wrapped at 100 columns:\n\(text)")
    }

    /// `train.head.widths` gives the hidden layers; the halving widths are the depth shorthand
    /// (one trial, one id); a depth that contradicts the widths is an error.
    func testHeadWidthsAndTheDepthShorthand() throws {
        let widths = try Support.plan("name: a\ntrain: {head: {widths: [1024, 512]}}\n")
        let depth = try Support.plan("name: a\ntrain: {head: {depth: 2}}\n")
        XCTAssertEqual(widths.trials.map(\.id), depth.trials.map(\.id), "[1024, 512] is depth 2")
        XCTAssertNil(widths.trials[0].config.train.head.widths)

        let custom = try Support.plan("name: a\ntrain: {head: {widths: [300, 40, 7]}}\n")
        XCTAssertEqual(custom.trials[0].config.train.head.depth, 3)
        XCTAssertEqual(custom.trials[0].config.train.head.widths, [300, 40, 7])
        XCTAssertEqual(custom.trials[0].config.train.head.hiddenWidths, [300, 40, 7])
        XCTAssertNotEqual(custom.trials[0].id, depth.trials[0].id)

        let swept = try Support.plan("name: a\ngrid:\n  widths: [[256], [1024, 512], []]\n")
        XCTAssertEqual(swept.trials.map(\.config.train.head.depth), [1, 2, 0])
        XCTAssertEqual(swept.trials.map(\.config.train.head.widths), [[256], nil, nil])
        XCTAssertEqual(swept.trials[1].id, depth.trials[0].id)

        let clash = Support.issues("name: a\ntrain: {head: {depth: 3, widths: [64]}}\n")
        XCTAssertEqual(clash.map(\.keyPath), ["train.head.depth"], "\(clash)")
        // A swept widths wins over a depth under train:, as every grid value does.
        let over = try Support.plan("name: a\ntrain: {head: {depth: 1}}\ngrid:\n  widths: [[32, 16], [8]]\n")
        XCTAssertEqual(over.trials.map(\.config.train.head.depth), [2, 1])
        let sweptDepth = Support.issues("name: a\ntrain: {head: {widths: [64]}}\ngrid:\n  depth: [1, 2]\n")
        XCTAssertEqual(sweptDepth.map(\.keyPath), ["grid.depth"], "\(sweptDepth)")
        let bad = Support.issues("name: a\ntrain: {head: {widths: [64, 0]}}\n")
        XCTAssertEqual(bad.map(\.keyPath), ["train.head.widths[1]"], "\(bad)")
    }

    /// `keep` is read and recorded; it is not part of a trial's identity.
    func testKeepIsReadAndNotInTrialIds() throws {
        let three = try Support.plan("name: a\nkeep: 3\n")
        XCTAssertEqual(three.spec.keep, 3)
        XCTAssertEqual(three.trials.map(\.id), try Support.plan("name: a\n").trials.map(\.id))
        XCTAssertEqual(Support.issues("name: a\nkeep: 0\n").map(\.keyPath), ["keep"])
    }
}
