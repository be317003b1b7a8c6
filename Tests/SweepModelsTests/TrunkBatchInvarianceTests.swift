import SweepModels
import SweepTensor
import XCTest

/// The fp32 trunk's features do not depend on how many images a stream runs per pass, so
/// changing the batch per stream (`TrunkFeatureExtractor.fp32BatchPerStream`) keeps every
/// feature-cache entry valid: bit-for-bit equality, the committed Winograd plan and im2col.
final class TrunkBatchInvarianceTests: XCTestCase {
    /// 27 images at 72x72 through 2 streams at batch 8 and at batch 16: the same bits, the
    /// partial last batch (11 images at 16, 3 at 8) included. (A pass of one image alone may
    /// differ in the last bits: OpenBLAS takes other paths for tiny matrices.)
    func testFeaturesAreTheSameBitsAtEveryBatchPerStream() throws {
        for plan in [ConvPlan.measured, .im2col] {
            let model = try ResNet50(weights: RandomInit.resnet50(seed: 4), file: "random:4", plan: plan)
            let size = 72, images = 27, values = size * size * 3
            let all = FloatBuffer(count: images * values)  // (27, 72, 72, 3)
            for i in 0..<all.count { all.pointer[i] = Float((i * 7919) % 2000) / 1000 - 1 }
            nonisolated(unsafe) let source = all.pointer
            func features(batch: Int, streams: Int, range: Range<Int>) throws -> [Float] {
                let runner = TrunkRunner(network: model, streams: streams, batchPerStream: batch, imageSize: size)
                let out = FloatBuffer(count: range.count * 2048)  // (range.count, 2048)
                try runner.run(range, load: { i, slot in slot.update(from: source + i * values, count: values) },
                               output: out.pointer)
                return out.array
            }
            let at8 = try features(batch: 8, streams: 2, range: 0..<images)
            let at16 = try features(batch: 16, streams: 2, range: 0..<images)
            XCTAssertEqual(at8, at16, "plan \(plan)")
            XCTAssertGreaterThan(at16.reduce(0) { max($0, abs($1)) }, 0)
        }
    }
}
