import Foundation
import SweepCore
import SweepPluginAPI
import XCTest

// Test-local stand-ins for the built-in plugins: only their names, parameters and
// directions matter to the sweep spec.

struct DummyBCE: LossPlugin {
    static let name = "bce"
    static let summary = "binary cross-entropy (test stand-in)"
    static let parameters = [ParameterSpec("pos_weight", .choiceOrNumbers, default: .string("auto"),
                                           choices: ["auto", "none"], "per-class positive weight")]
    init(parameters: PluginParameters, context: LossContext) throws {}
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double { 0 }
}

struct DummyFocal: LossPlugin {
    static let name = "focal"
    static let summary = "focal loss (test stand-in)"
    static let parameters = [
        ParameterSpec("gamma", .number, default: .number(2), range: 0...10, "focusing"),
        ParameterSpec("alpha", .number, default: .number(0.25), range: -1...1, "balance"),
    ]
    init(parameters: PluginParameters, context: LossContext) throws {}
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double { 0 }
}

struct DummyF1: MetricPlugin {
    static let name = "f1_samples"
    static let summary = "sample F1 (test stand-in)"
    static let higherIsBetter = true
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double { 0 }
}

struct DummyAUC: MetricPlugin {
    static let name = "roc_auc_samples"
    static let summary = "sample ROC AUC (test stand-in)"
    static let higherIsBetter = true
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double { 0 }
}

struct DummyHamming: MetricPlugin {
    static let name = "hamming_loss"
    static let summary = "Hamming loss (test stand-in)"
    static let higherIsBetter = false
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double { 0 }
}

struct DummyFBeta: MetricPlugin {
    static let name = "fbeta_samples"
    static let summary = "sample F-beta (test stand-in)"
    static let higherIsBetter = true
    static let parameters = [ParameterSpec("beta", .number, default: .number(1), range: 0...100, "recall weight")]
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double { 0 }
}

enum Support {
    static let catalog: PluginCatalog = {
        do {
            return try PluginCatalog([DummyBCE.self, DummyFocal.self, DummyF1.self, DummyAUC.self,
                                      DummyHamming.self, DummyFBeta.self])
        } catch {
            fatalError("test catalog: \(error)")
        }
    }()

    /// Paths that "exist" for the tests: `data/miml` is a MIML folder (it holds `miml data.mat`),
    /// `data/plain-folder` a folder without it.
    static let existing: Set<String> = ["data/miml", "data/miml/miml data.mat", "data/plain-folder", "data/labels.csv",
                                        "weights/rn50.safetensors"]

    /// The repository's `sweeps/` folder.
    static let sweepsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sweeps")

    static func text(ofSweep name: String) throws -> String {
        try String(contentsOf: sweepsFolder.appendingPathComponent(name), encoding: .utf8)
    }

    /// Parses sweep text as `sweeps/x.yaml`, with 4 default workers.
    static func plan(_ text: String, overrides: [String] = [], path: String = "sweeps/x.yaml") throws(SpecErrors) -> SweepPlan {
        try SweepFile.parse(text, displayPath: path, overrides: overrides, catalog: catalog,
                            fileExists: { existing.contains($0) }, defaultWorkers: 4)
    }

    /// The issues of text that must not validate (fails the test if it does).
    static func issues(_ text: String, overrides: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> [SpecIssue] {
        do {
            let plan = try plan(text, overrides: overrides)
            XCTFail("expected errors, got \(plan.summary)", file: file, line: line)
            return []
        } catch {
            return error.issues
        }
    }
}
