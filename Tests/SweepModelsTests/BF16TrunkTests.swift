import XCTest
import Foundation
import SweepTestSupport
import SweepDNNL
import SweepModels
import SweepTensor

/// The bf16 trunk (oneDNN) against PyTorch's fp32 features and against this fp32 trunk, and its
/// refusal on a CPU without AVX-512 BF16.
final class BF16TrunkTests: XCTestCase {
    /// The bound on bf16 features, relative to the largest fp32 feature: bf16 keeps 8 bits of
    /// mantissa (relative rounding 2^-9 = 0.2%) and the activations are rounded after every one
    /// of the 53 convolutions; measured about 1-2% here (printed).
    static let bound = 0.05

    func requireBF16() throws {
        do {
            try BF16Support.current.require()
        } catch {
            throw ReportedSkip.skip(self, "no AVX-512 BF16 here: \(error)")
        }
    }

    func testFeaturesNearPyTorchFP32() throws {
        try requireBF16()
        let expected = try loadFixture(ResNet50Expected.self, "resnet50_expected.json")
        let model = try ResNet50(weights: ResNet50FidelityTests.weights, file: "fixture weights")
        let input = FloatBuffer(FixtureWeights.nhwc(FixtureWeights.inputNCHW(), n: 2, c: 3, h: 224, w: 224))  // (2, 224, 224, 3)
        let fp32 = FloatBuffer(count: 2 * 2048)  // (2, 2048)
        model.forward(input.pointer, workspace: ResNet50.Workspace(n: 2), features: fp32.pointer)
        let engine = try BF16ResNet50(network: model, batch: 2, imageSize: 224, threadsPerStream: 2)
        let stream = try engine.makeStream(batch: 2, imageSize: 224)
        let bf16 = FloatBuffer(count: 2 * 2048)  // (2, 2048)
        try stream.forward(input.pointer, count: 2, features: bf16.pointer)
        let torch = expected.features.flatMap { $0 }
        let vsTorch = relativeError(bf16.array, torch), vsFP32 = relativeError(bf16.array, fp32.array)
        print("bf16 trunk: features max error \(vsTorch) against PyTorch fp32, \(vsFP32) against this fp32 trunk "
              + "(relative to the largest feature); mean |error| \(meanError(bf16.array, torch))")
        XCTAssertLessThan(vsTorch, Self.bound)
        XCTAssertLessThan(vsFP32, Self.bound)
        XCTAssertGreaterThan(vsFP32, 0, "bf16 gave fp32's features bit for bit: not running in bf16")
    }

    /// Batches run through `TrunkRunner` on two streams, a partial last batch included, give
    /// the features one stream gives.
    func testRunnerStreamsAndPartialBatch() throws {
        try requireBF16()
        let model = try ResNet50(weights: RandomInit.resnet50(seed: 3), file: "random:3")
        let engine = try BF16ResNet50(network: model, batch: 2, imageSize: 64)
        let runner = try TrunkRunner(engine: engine, network: model, streams: 2, batchPerStream: 2, imageSize: 64)
        XCTAssertEqual(runner.precision, "bf16")
        let images = 5, values = 64 * 64 * 3
        let all = FloatBuffer(count: images * values)  // (5, 64, 64, 3)
        for i in 0..<all.count { all.pointer[i] = Float((i * 7919) % 2000) / 1000 - 1 }
        nonisolated(unsafe) let source = all.pointer
        let out = FloatBuffer(count: images * 2048)  // (5, 2048)
        try runner.run(0..<images, load: { i, slot in slot.update(from: source + i * values, count: values) }, output: out.pointer)
        let single = try engine.makeStream(batch: 2, imageSize: 64)
        let one = FloatBuffer(count: 2 * 2048)  // (2, 2048)
        try single.forward(all.pointer + 4 * values, count: 1, features: one.pointer)
        XCTAssertEqual(Array(out.array[(4 * 2048)...]), Array(one.array[0..<2048]))
        XCTAssertGreaterThan(out.array.reduce(0) { max($0, abs($1)) }, 0)
    }

    func testRefusedWithoutBF16() {
        let model: ResNet50
        do { model = try ResNet50(weights: RandomInit.resnet50(seed: 0), file: "random:0") } catch { return XCTFail("\(error)") }
        let noCPU = BF16Support(cpuHasBF16: false, effectiveISA: "avx512_core", isaAllowsBF16: false)
        XCTAssertThrowsError(try BF16ResNet50(network: model, batch: 1, imageSize: 32, support: noCPU)) { error in
            XCTAssertEqual(error as? DNNLError, .noBF16(reason: "this CPU does not report AVX512_BF16"))
            XCTAssertTrue("\(error)".contains("backbone.precision bf16 needs a CPU with AVX-512 BF16"), "\(error)")
            XCTAssertTrue("\(error)".contains("use backbone.precision: fp32"), "\(error)")
        }
        let capped = BF16Support(cpuHasBF16: true, effectiveISA: "avx512_core", isaAllowsBF16: false)
        XCTAssertThrowsError(try capped.require()) { error in
            XCTAssertTrue("\(error)".contains("oneDNN is limited to avx512_core here (ONEDNN_MAX_CPU_ISA)"), "\(error)")
        }
    }

    func testBFloat16Rounding() {
        let values: [Float] = [1, 1 + 1.0 / 256, 1 + 3.0 / 256, -2.5, 1 + 1.0 / 512, 1 + 3.0 / 512]
        var out = [UInt16](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { BFloat16.round(v.baseAddress!, count: values.count, into: $0.baseAddress!) } }
        // bf16 steps by 1/128 at 1: 1 + 1/256 and 1 + 3/256 are ties (to the even neighbour, 1 and
        // 1 + 2/128); 1 + 1/512 rounds down, 1 + 3/512 up.
        let expected: [Float] = [1, 1, 1 + 1.0 / 64, -2.5, 1, 1 + 1.0 / 128]
        XCTAssertEqual(out.map(BFloat16.float), expected)
    }

    func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        let scale = b.reduce(0.0) { max($0, Double(abs($1))) }
        return zip(a, b).reduce(0.0) { max($0, Double(abs($1.0 - $1.1))) } / scale
    }

    func meanError(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) } / Double(a.count)
    }
}
