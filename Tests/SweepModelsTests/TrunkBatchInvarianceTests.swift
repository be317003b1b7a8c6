import SweepModels
import SweepTensor
import XCTest

/// How the fp32 trunk's features depend on the images a stream runs per pass
/// (`TrunkFeatureExtractor.fp32BatchPerStream`): images in full passes get the same bits at
/// batch 8 and 16, both plans; images in a short last pass (few Winograd tiles, so OpenBLAS
/// takes its small-matrix paths) may differ in the last bits. Changing the batch per stream
/// therefore changes some cached features bit-wise, and must bump the cache identity.
final class TrunkBatchInvarianceTests: XCTestCase {
    /// 27 images at 72x72 through 2 streams at batch 8 (passes 8, 8, 8, 3) and 16 (16, 11).
    func testFullPassesGiveTheSameBitsAtBatch8And16() throws {
        for plan in [ConvPlan.measured, .im2col] {
            let model = try ResNet50(weights: RandomInit.resnet50(seed: 4), file: "random:4", plan: plan)
            let size = 72, images = 27, values = size * size * 3, full = 24 * 2048
            let all = FloatBuffer(count: images * values)  // (27, 72, 72, 3)
            for i in 0..<all.count { all.pointer[i] = Float((i * 7919) % 2000) / 1000 - 1 }
            nonisolated(unsafe) let source = all.pointer
            func features(batch: Int) throws -> [Float] {
                let runner = TrunkRunner(network: model, streams: 2, batchPerStream: batch, imageSize: size)
                let out = FloatBuffer(count: images * 2048)  // (27, 2048)
                try runner.run(0..<images, load: { i, slot in slot.update(from: source + i * values, count: values) },
                               output: out.pointer)
                return out.array
            }
            let at8 = try features(batch: 8), at16 = try features(batch: 16)
            let largest = at8.reduce(0) { max($0, abs($1)) }
            XCTAssertGreaterThan(largest, 0)
            XCTAssertEqual(Array(at8[..<full]), Array(at16[..<full]), "plan \(plan): images 0..<24 (full passes at both)")
            let tail = zip(at8[full...], at16[full...]).reduce(0) { max($0, abs($1.0 - $1.1)) } / largest
            print("plan \(plan): images 24..<27 (a pass of 3 at batch 8, of 11 at 16): max error \(tail)")
            XCTAssertLessThan(tail, 1e-5, "plan \(plan)")
        }
    }
}
