import XCTest
import SweepTestSupport
import SweepModels
import SweepTensor
import Foundation

/// The whole 50-layer network against PyTorch (torchvision resnet50, eval mode) with every
/// tensor filled by the fixture generator: no weights are committed, only the outputs.
final class ResNet50FidelityTests: XCTestCase {
    /// Generated once for both tests (25.6 M values).
    static let weights = FixtureWeights.stateDict()

    func testGeneratorMatchesPythonBitForBit() throws {
        let expected = try loadFixture(ResNet50Expected.self, "resnet50_expected.json")
        let weights = Self.weights
        XCTAssertEqual(Set(weights.keys), Set(expected.tensors.keys).subtracting(["input"]))
        var tensors = weights
        tensors["input"] = Tensor(shape: [2, 3, 224, 224], data: FixtureWeights.inputNCHW())
        for (key, summary) in expected.tensors {
            guard let t = tensors[key] else { XCTFail("no tensor \(key)"); continue }
            XCTAssertEqual(t.data.prefix(4).map { Double($0) }, summary.first, "first values of \(key)")
            var sum = 0.0, magnitude = 0.0
            t.data.withUnsafeBufferPointer { for v in $0 { sum += Double(v); magnitude += Double(abs(v)) } }
            XCTAssertEqual(sum, summary.sum, accuracy: 1e-9 * max(magnitude, 1), "sum of \(key)")
        }
    }

    /// The plans tested against PyTorch: the committed one (Winograd where it was faster), every
    /// 3x3 stride-1 convolution in each Winograd algorithm, and im2col alone.
    static let plans: [(String, ConvPlan)] = [("measured", .measured), ("all F(2x2)", .all(.winograd2)),
                                              ("all F(4x4)", .all(.winograd4)), ("im2col", .im2col)]

    func testFeaturesAndLogitsMatchPyTorch() throws {
        let expected = try loadFixture(ResNet50Expected.self, "resnet50_expected.json")
        let input = FixtureWeights.nhwc(FixtureWeights.inputNCHW(), n: 2, c: 3, h: 224, w: 224)  // (2, 224, 224, 3)
        let x = FloatBuffer(input)
        for (name, plan) in Self.plans {
            let model = try ResNet50(weights: Self.weights, file: "fixture weights", requireClassifier: true, plan: plan)
            let workspace = ResNet50.Workspace(n: 2)
            let features = FloatBuffer(count: 2 * 2048)  // (2, 2048)
            let logits = FloatBuffer(count: 2 * 1000)  // (2, 1000)
            model.forward(x.pointer, workspace: workspace, features: features.pointer, logits: logits.pointer, threads: 2)

            let featureError = relativeError(features.array, expected.features.flatMap { $0 })
            let logitError = relativeError(logits.array, expected.logits.flatMap { $0 })
            print("ResNet50 (\(name): \(plan)) vs PyTorch: features max error \(featureError), logits max error "
                + "\(logitError) (relative to the largest magnitude)")
            XCTAssertLessThan(featureError, 1e-3, name)
            XCTAssertLessThan(logitError, 1e-3, name)
        }
    }

    /// The network is fully convolutional up to its global pool: at 200 x 200 (odd sizes from
    /// layer3 on) it matches PyTorch too, with patches gathered in chunks or all at once, and with
    /// each plan of convolution algorithms.
    func testFeaturesAtAnotherSizeMatchPyTorch() throws {
        let expected = try loadFixture(ResNet50OtherSizeExpected.self, "resnet50_200_expected.json")
        let size = expected.size
        let nchw = FixtureWeights.inputNCHW(n: 1, size: size, block: expected.block)  // (1, 3, size, size)
        XCTAssertEqual(nchw.prefix(4).map { Double($0) }, expected.input.first)
        let x = FloatBuffer(FixtureWeights.nhwc(nchw, n: 1, c: 3, h: size, w: size))  // (1, size, size, 3)
        for (name, plan) in Self.plans {
            let model = try ResNet50(weights: Self.weights, file: "fixture weights", plan: plan)
            for chunk in [FoldedConv.defaultPatchChunkBytes, 0] {
                let workspace = ResNet50.Workspace(n: 1, h: size, w: size, patchChunkBytes: chunk)
                let features = FloatBuffer(count: 2048)  // (1, 2048)
                model.forward(x.pointer, workspace: workspace, features: features.pointer)
                let error = relativeError(features.array, expected.features.flatMap { $0 })
                print("ResNet50 (\(name)) at \(size)x\(size), patch chunk \(chunk) bytes: features max error \(error)")
                XCTAssertLessThan(error, 1e-3, "\(name), patch chunk \(chunk)")
            }
        }
    }

    /// max |a - b| / max |b|.
    func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        XCTAssertEqual(a.count, b.count)
        let scale = b.reduce(0.0) { max($0, Double(abs($1))) }
        let worst = zip(a, b).reduce(0.0) { max($0, Double(abs($1.0 - $1.1))) }
        return worst / scale
    }
}

/// A full torchvision ResNet50 state_dict saved by torch itself (100 MB, so not committed):
/// run `make_weight_fixtures.py --write-torch-resnet50 PATH`, then this test with
/// `SWEEP_TORCH_RESNET50_PTH=PATH`.
final class TorchSavedResNet50Tests: XCTestCase {
    func testTorchSavedResNet50() throws {
        guard let path = ProcessInfo.processInfo.environment["SWEEP_TORCH_RESNET50_PTH"] else {
            throw ReportedSkip.skip(self, "needs a 100 MB torch-saved ResNet50 (not committed): set SWEEP_TORCH_RESNET50_PTH "
                                    + "to a file from make_weight_fixtures.py --write-torch-resnet50")
        }
        let start = Date()
        let loaded = try WeightsSource.file(path).load()
        print("read \(path) with its SHA-256 in \(Date().timeIntervalSince(start)) s")
        let expected = ResNet50FidelityTests.weights
        XCTAssertEqual(Set(loaded.stateDict.keys), Set(expected.keys))
        for (key, tensor) in expected { XCTAssertEqual(loaded.stateDict[key], tensor, key) }
    }
}
