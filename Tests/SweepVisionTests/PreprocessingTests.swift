import Foundation
import SweepVision
import XCTest

/// `Preprocessing` keeps its normalisation table in step with mean and std, and compares,
/// hashes and encodes only size, mean and std.
final class PreprocessingTests: XCTestCase {
    /// (2, 2, 3) pixels covering 0, 255 and values between.
    let image = RGBImage(width: 2, height: 2, pixels: [0, 1, 2, 100, 128, 200, 254, 255, 37, 7, 77, 177])

    /// The formula of `Normalize(ToTensor(x))`, one value at a time.
    func naive(_ p: Preprocessing) -> [Float] {
        image.pixels.enumerated().map { i, v in (Float(v) / 255 - p.mean[i % 3]) / p.std[i % 3] }
    }

    func normalized(_ p: Preprocessing) -> [Float] {
        var out = [Float](repeating: .nan, count: image.pixels.count)
        out.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress else { return }
            p.normalize(image, into: base)
        }
        return out
    }

    func testNormalizeFollowsMeanAndStdChanges() {
        var p = Preprocessing(size: 2)
        XCTAssertEqual(normalized(p), naive(p))
        p.mean = [0.5, 0.25, 0]
        XCTAssertEqual(normalized(p), naive(p))
        p.std = [0.5, 2, 1]
        XCTAssertEqual(normalized(p), naive(p))
        XCTAssertEqual(normalized(p), naive(Preprocessing(size: 2, mean: [0.5, 0.25, 0], std: [0.5, 2, 1])))
    }

    func testEqualityHashAndCodingUseSizeMeanStd() throws {
        var changed = Preprocessing(size: 224, mean: [0, 0, 0], std: [1, 1, 1])
        changed.mean = Preprocessing.imagenet.mean
        changed.std = Preprocessing.imagenet.std
        XCTAssertEqual(changed, .imagenet)
        XCTAssertEqual(changed.hashValue, Preprocessing.imagenet.hashValue)
        XCTAssertNotEqual(Preprocessing(size: 256), .imagenet)
        let small = Preprocessing(size: 2, mean: [0.5, 0.25, 0], std: [0.5, 2, 1])
        let json = try JSONEncoder().encode(small)
        let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any]).keys
        XCTAssertEqual(Set(keys), ["size", "mean", "std"])
        let decoded = try JSONDecoder().decode(Preprocessing.self, from: json)
        XCTAssertEqual(decoded, small)
        XCTAssertEqual(normalized(decoded), naive(small))
    }
}
