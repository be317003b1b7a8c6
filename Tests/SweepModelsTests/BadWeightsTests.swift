import XCTest
import Foundation
@testable import SweepModels
import SweepTensor

/// Every bad weights input gives a `WeightsError` that names the file and what is wrong.
final class BadWeightsTests: XCTestCase {
    var dir = URL(fileURLWithPath: "/nonexistent")

    override func setUpWithError() throws { dir = try FixtureWeights.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func file(_ name: String, _ bytes: Data) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Asserts `body` throws `WeightsError.unreadable` for `path` with `phrase` in the reason.
    func assertUnreadable(_ path: String, _ phrase: String, line: UInt = #line, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard case WeightsError.unreadable(let file, let reason) = error else {
                return XCTFail("unexpected error \(error)", line: line)
            }
            XCTAssertEqual(file, path, line: line)
            XCTAssertTrue(reason.contains(phrase), "'\(reason)' lacks '\(phrase)'", line: line)
            XCTAssertTrue("\(error)".hasPrefix(path + ": "), line: line)
        }
    }

    func testMissingFile() {
        let path = dir.appendingPathComponent("absent.pth").path
        assertUnreadable(path, "no such file") { _ = try WeightsFile.load(path: path) }
        assertUnreadable(path, "no such file") { _ = try WeightsSource.file(path).identity() }
    }

    func testEmptyFiles() throws {
        for name in ["empty.pth", "empty.safetensors"] {
            let path = try file(name, Data())
            assertUnreadable(path, "empty file") { _ = try WeightsFile.load(path: path) }
        }
    }

    func testTextFileNamedPth() throws {
        let path = try file("notes.pth", Data("these are not weights\n".utf8))
        assertUnreadable(path, "not a zip archive") { _ = try WeightsFile.load(path: path) }
    }

    func testLegacyTorchFileIsNamed() throws {
        // The start of a pre-1.6 torch.save stream: PROTO 2 then the LONG1 magic number.
        let path = try file("old.pth", Data([0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8]))
        assertUnreadable(path, "legacy (pre-1.6) torch serialization") { _ = try WeightsFile.load(path: path) }
    }

    func testTruncatedPth() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: FixtureWeights.path("small.pth")))
        for cut in [10, whole.count / 2, whole.count - 10] {
            let path = try file("cut\(cut).pth", whole.prefix(cut))
            assertUnreadable(path, "truncated") { _ = try WeightsFile.load(path: path) }
        }
    }

    func testCorruptStorageIsCaughtByCRC() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: FixtureWeights.path("small.pth"))))
        // Flip one byte inside the first storage entry's data (the entry after data.pkl's).
        guard let at = findEntryData(bytes, name: "small/data/0") else { return XCTFail("no small/data/0 entry") }
        bytes[at] ^= 0xFF
        let path = try file("flipped.pth", Data(bytes))
        assertUnreadable(path, "small/data/0") { _ = try WeightsFile.load(path: path) }
    }

    /// Offset of the data of a stored zip entry, from its local header.
    func findEntryData(_ bytes: [UInt8], name: String) -> Int? {
        let signature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        for i in 0..<(bytes.count - 30) where Array(bytes[i..<i + 4]) == signature {
            let nameLength = Int(bytes[i + 26]) | Int(bytes[i + 27]) << 8
            let extraLength = Int(bytes[i + 28]) | Int(bytes[i + 29]) << 8
            if String(decoding: bytes[(i + 30)..<(i + 30 + nameLength)], as: UTF8.self) == name {
                return i + 30 + nameLength + extraLength
            }
        }
        return nil
    }

    func testBadSafetensors() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: FixtureWeights.path("small.safetensors")))
        let cut = try file("cut.safetensors", whole.prefix(whole.count - 4))
        assertUnreadable(cut, "truncated") { _ = try WeightsFile.load(path: cut) }
        let tiny = try file("tiny.safetensors", whole.prefix(5))
        assertUnreadable(tiny, "truncated") { _ = try WeightsFile.load(path: tiny) }
        let text = try file("text.safetensors", Data("hello, these are not weights".utf8))
        assertUnreadable(text, "header length") { _ = try WeightsFile.load(path: text) }
        var header = Data(#"{"w":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}}"#.utf8)
        var bytes = Data([UInt8(header.count), 0, 0, 0, 0, 0, 0, 0]) + header + Data([1, 2])
        let int8 = try file("int8.safetensors", bytes)
        assertUnreadable(int8, "tensor 'w': unsupported dtype I8") { _ = try WeightsFile.load(path: int8) }
        header = Data(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#.utf8)
        bytes = Data([UInt8(header.count), 0, 0, 0, 0, 0, 0, 0]) + header + Data(count: 8)
        let shape = try file("shape.safetensors", bytes)
        assertUnreadable(shape, "tensor 'w': 8 bytes for shape (3)") { _ = try WeightsFile.load(path: shape) }
        header = Data(#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#.utf8)
        bytes = Data([UInt8(header.count), 0, 0, 0, 0, 0, 0, 0]) + header + Data(count: 8)
        let huge = try file("huge.safetensors", bytes)
        assertUnreadable(huge, "tensor 'w': invalid shape") { _ = try WeightsFile.load(path: huge) }
    }

    func testUnknownExtension() throws {
        let path = try file("weights.bin", Data([1, 2, 3]))
        assertUnreadable(path, "unknown weights format '.bin'") { _ = try WeightsFile.load(path: path) }
    }

    /// A full ResNet50 `.pth` written with our writer, with one key removed or one shape changed.
    func testResNet50PthWithMissingKeyOrWrongShape() throws {
        // Values do not matter here; zeros are quick to make.
        let full = Dictionary(uniqueKeysWithValues: ResNet50Layout.parameterShapes.map { ($0.key, Tensor(zeros: $0.shape)) })
        var weights = full
        weights["layer3.2.bn2.running_var"] = nil
        let missing = dir.appendingPathComponent("missing.pth").path
        try PthWriter.write(weights, to: missing)
        let loaded = try WeightsSource.file(missing).load()
        XCTAssertThrowsError(try ResNet50(weights: loaded.stateDict, file: loaded.origin)) { error in
            XCTAssertEqual(error as? WeightsError, .missingKey("layer3.2.bn2.running_var", file: missing))
            XCTAssertEqual("\(error)", "\(missing): missing key 'layer3.2.bn2.running_var'")
        }

        weights = full
        weights["layer2.1.conv2.weight"] = Tensor(zeros: [128, 64, 3, 3])
        let reshaped = dir.appendingPathComponent("reshaped.pth").path
        try PthWriter.write(weights, to: reshaped)
        let second = try WeightsSource.file(reshaped).load()
        XCTAssertThrowsError(try ResNet50(weights: second.stateDict, file: second.origin)) { error in
            XCTAssertEqual(error as? WeightsError, .wrongShape(key: "layer2.1.conv2.weight", expected: [128, 128, 3, 3],
                                                              found: [128, 64, 3, 3], file: reshaped))
            XCTAssertEqual("\(error)", "\(reshaped): 'layer2.1.conv2.weight' has shape (128, 64, 3, 3), "
                + "expected (128, 128, 3, 3)")
        }
    }
}

/// Pickles crafted with the writer's own opcodes, for views no `torch.save` would write.
final class CraftedPthTests: XCTestCase {
    func testStorageOffsetNearIntMaxIsAnErrorNamingTheFile() throws {
        let dir = try FixtureWeights.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("offset.pth").path
        // {"w": _rebuild_tensor_v2(storage '0' of 4 floats, offset Int.max, size (2,), stride (1,))}
        var pickle = PickleEncoder()
        pickle.op(0x80); pickle.byte(2)  // PROTO 2
        pickle.emptyOrderedDict()
        pickle.op(0x28)  // MARK
        pickle.string("w")
        pickle.global("torch._utils", "_rebuild_tensor_v2")
        pickle.op(0x28)  // MARK: the arguments
        pickle.op(0x28)  // MARK: the persistent id
        pickle.string("storage")
        pickle.global("torch", ElementType.float32.torchStorageName)
        pickle.string("0")
        pickle.string("cpu")
        pickle.int(4)
        pickle.op(0x74)  // TUPLE
        pickle.op(0x51)  // BINPERSID
        pickle.int(Int.max)  // storage offset: `offset + reach` would overflow
        pickle.intTuple([2])
        pickle.intTuple([1])
        pickle.op(0x89)  // NEWFALSE
        pickle.emptyOrderedDict()
        pickle.op(0x74)  // TUPLE
        pickle.op(0x52)  // REDUCE
        pickle.op(0x75)  // SETITEMS
        pickle.op(0x2E)  // STOP
        let storage = [Float](repeating: 1, count: 4).withUnsafeBufferPointer { Data(buffer: $0) }
        try PthWriter.writeZip([("archive/data.pkl", Data(pickle.bytes)), ("archive/data/0", storage)], to: path)

        XCTAssertThrowsError(try WeightsFile.load(path: path)) { error in
            guard case WeightsError.unreadable(let file, let reason) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(file, path)
            XCTAssertTrue(reason.contains("storage '0' has 4 values"), reason)
            XCTAssertTrue(reason.contains("offset \(Int.max)"), reason)
            XCTAssertTrue(reason.contains("starts past its end"), reason)
        }
    }
}
