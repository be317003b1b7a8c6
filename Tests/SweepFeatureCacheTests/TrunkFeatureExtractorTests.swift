import Foundation
import SweepModels
import SweepTensor
import SweepVision
import XCTest
import SweepData
@testable import SweepFeatureCache
import SweepTestSupport

/// The extractor runs the trunk at the preprocessing's size (a model card may ask for 256),
/// each image's features equal to the network run on that image alone.
final class TrunkFeatureExtractorTests: XCTestCase {
    func testSize256PreprocessingGivesEachImagesFeatures() throws {
        let folder = try temporaryFolder(self)
        var paths: [String] = []
        for i in 0..<3 {
            // 40 x 30 gradients, different per image.
            var pixels = [UInt8](repeating: 0, count: 40 * 30 * 3)
            for p in 0..<(40 * 30) {
                pixels[3 * p] = UInt8((p * (i + 1)) % 256)
                pixels[3 * p + 1] = UInt8((p / 40 * 8 + 50 * i) % 256)
                pixels[3 * p + 2] = UInt8((p % 40 * 6) % 256)
            }
            let url = folder.appendingPathComponent("image\(i).jpg")
            try Data(JPEGEncoder.encode(pixels: pixels, width: 40, height: 30)).write(to: url)
            paths.append(url.path)
        }
        let network = try ResNet50(weights: RandomInit.resnet50(seed: 0), file: "random:0")
        let preprocessing = Preprocessing(size: 256)
        let extractor = TrunkFeatureExtractor(network: network, weightsIdentity: "random:0 init-v1",
                                              preprocessing: preprocessing, streams: 2)
        XCTAssertEqual(extractor.runner.imageSize, 256)
        let features = FloatBuffer(count: paths.count * 2048)  // (3, 2048)
        try extractor.extract(paths: paths, into: features.pointer)

        let workspace = ResNet50.Workspace(n: 1, h: 256, w: 256)
        let alone = FloatBuffer(count: 2048)  // (1, 2048)
        for (i, path) in paths.enumerated() {
            let image = FloatBuffer(try preprocessing(path))  // (1, 256, 256, 3)
            network.forward(image.pointer, workspace: workspace, features: alone.pointer)
            let got = Array(UnsafeBufferPointer(start: features.pointer + i * 2048, count: 2048))
            let expected = alone.array
            let scale = expected.reduce(0) { max($0, abs($1)) }
            XCTAssertGreaterThan(scale, 0, "image \(i)")
            let worst = zip(got, expected).reduce(0) { max($0, abs($1.0 - $1.1)) }
            XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "image \(i)")
        }
    }
}
