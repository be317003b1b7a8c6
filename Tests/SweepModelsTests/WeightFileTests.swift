import XCTest
import Foundation
@testable import SweepModels
import SweepTensor

/// `.pth` and `.safetensors` reading against files written by torch / safetensors, and our
/// writers against our readers (and, by hand, against torch: see make_weight_fixtures.py).
final class WeightFileTests: XCTestCase {
    func testTorchSavedPthLoadsTorchValues() throws {
        let expected = try loadFixture(SmallExpected.self, "small_expected.json")
        let loaded = try PthReader.read(path: FixtureWeights.path("small.pth"))
        XCTAssertEqual(Set(loaded.keys), Set(expected.tensors.keys))
        for (key, e) in expected.tensors {
            XCTAssertEqual(loaded[key]?.shape, e.shape, key)
            XCTAssertEqual(loaded[key]?.data, e.values, "\(key) (\(e.dtype))")
        }
        // The kinds of entries the fixture is meant to hold.
        XCTAssertEqual(expected.tensors["bn.num_batches_tracked"]?.dtype, "int64")
        XCTAssertEqual(loaded["bn.num_batches_tracked"], Tensor(shape: [], data: [7]))
        XCTAssertEqual(Set(expected.tensors.values.map(\.dtype)), ["float32", "int64", "float16", "bfloat16", "float64"])
        XCTAssertEqual(loaded["table_view"]?.data.prefix(4), [-0.875, -0.125, 0.625, 1.375])
    }

    func testSafetensorsOfTheSameWeightsLoadsIdenticalTensors() throws {
        let pth = try WeightsFile.load(path: FixtureWeights.path("small.pth"))
        let (tensors, metadata) = try Safetensors.read(path: FixtureWeights.path("small.safetensors"))
        XCTAssertEqual(tensors, pth)
        XCTAssertEqual(metadata, ["source": "make_weight_fixtures.py"])
        XCTAssertEqual(try WeightsFile.load(path: FixtureWeights.path("small.safetensors")), pth)
    }

    func testIdentityIsTheFileSHA256() throws {
        let expected = try loadFixture(SmallExpected.self, "small_expected.json")
        for name in ["small.pth", "small.safetensors"] {
            let source = try WeightsSource(parsing: FixtureWeights.path(name))
            XCTAssertEqual(try source.identity(), "sha256:" + (expected.sha256[name] ?? "?"))
            let loaded = try source.load()
            XCTAssertEqual(loaded.identity, "sha256:" + (expected.sha256[name] ?? "?"))
            XCTAssertEqual(loaded.origin, FixtureWeights.path(name))
        }
    }

    func testWritersRoundTrip() throws {
        let small = try PthReader.read(path: FixtureWeights.path("small.pth"))
        let dir = try FixtureWeights.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pth = dir.appendingPathComponent("small.pth").path
        let safetensors = dir.appendingPathComponent("small.safetensors").path
        try PthWriter.write(small, to: pth)
        try Safetensors.write(small, metadata: ["epoch": "3", "note": "{\"quoted\"}"], to: safetensors)
        XCTAssertEqual(try PthReader.read(path: pth), small)
        let back = try Safetensors.read(path: safetensors)
        XCTAssertEqual(back.tensors, small)
        XCTAssertEqual(back.metadata, ["epoch": "3", "note": "{\"quoted\"}"])
        // Overwriting an existing file works and leaves no temporary behind.
        try PthWriter.write(["x": Tensor(shape: [2], data: [1, 2])], to: pth)
        XCTAssertEqual(try PthReader.read(path: pth), ["x": Tensor(shape: [2], data: [1, 2])])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["small.pth", "small.safetensors"])
        try keepForTorch(small)
    }

    /// With SWEEP_KEEP_WRITTEN_PTH=DIR, leaves our writers' output in DIR for
    /// `make_weight_fixtures.py --check-swift-pth DIR` (torch.load / safetensors check by hand).
    func keepForTorch(_ small: StateDict) throws {
        guard let dir = ProcessInfo.processInfo.environment["SWEEP_KEEP_WRITTEN_PTH"] else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try PthWriter.write(small, to: dir + "/small.pth")
        try Safetensors.write(small, metadata: [:], to: dir + "/small.safetensors")
        try PthWriter.write(RandomInit.resnet50(seed: 3), to: dir + "/resnet50-random.pth")
    }

    func testSafetensorsHeaderLayout() throws {
        let dir = try FixtureWeights.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("h.safetensors").path
        try Safetensors.write(["b": Tensor(shape: [1], data: [2]), "a": Tensor(shape: [2, 1], data: [0.5, -1])],
                              metadata: [:], to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        XCTAssertEqual(bytes[2..<8], [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(n % 8, 0)
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        XCTAssertEqual(header, #"{"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2,1]},"#
            + #""b":{"data_offsets":[8,12],"dtype":"F32","shape":[1]}}"#)
        XCTAssertEqual(bytes.count, 8 + n + 12)
        XCTAssertEqual(Array(bytes[(8 + n)...]), [0, 0, 0, 0x3F, 0, 0, 0x80, 0xBF, 0, 0, 0, 0x40])
    }

    func testHalfPrecisionConversion() {
        // IEEE binary16 bit patterns and their exact values.
        let cases: [(UInt16, Float)] = [(0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0400, 0x1p-14),
                                        (0x0001, 0x1p-24), (0x8000, -0.0), (0x7C00, .infinity), (0x3555, 0.333251953125)]
        for (bits, value) in cases { XCTAssertEqual(halfToFloat(bits), value, "0x\(String(bits, radix: 16))") }
        XCTAssertTrue(halfToFloat(0x7E00).isNaN)
    }
}
