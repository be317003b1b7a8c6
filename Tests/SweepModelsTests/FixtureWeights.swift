import Foundation
import SweepModels
import SweepTensor

/// The Swift side of `Tests/Fixtures/make_weight_fixtures.py`: the same counter-based values
/// for every ResNet50 tensor and the two input images, bit for bit (`fixture_values`,
/// `fixture_input` there).
enum FixtureWeights {
    /// `Tests/Fixtures/weights`.
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent("weights")
    }

    /// Path of a fixture file.
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Uniform [0, 1) with 24 bits (`unit` in the script).
    static func unit(_ key: String, _ count: Int) -> [Double] {
        let stream = CounterRandom.stream(key)
        return [Double](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = Double(CounterRandom.unitFloat(stream: stream, index: i)) }
            initialized = count
        }
    }

    /// How a tensor's values derive from u in [0, 1), exactly as in the script.
    enum Rule {
        case symmetric(scale: Double)  // (2u - 1) * scale
        case affine(offset: Double, slope: Double)  // offset + slope * u
    }

    /// The rule of tensor `key` (`fixture_values` in the script).
    static func rule(key: String, shape: [Int]) -> Rule {
        if shape.count == 4 { return .symmetric(scale: (6.0 / Double(shape[1] * shape[2] * shape[3])).squareRoot()) }
        if key == "fc.weight" { return .symmetric(scale: (3.0 / Double(shape[1])).squareRoot()) }
        if key.hasSuffix(".weight") { return key.contains(".bn3.") ? .affine(offset: 0.1, slope: 0.2) : .affine(offset: 0.5, slope: 1) }
        if key.hasSuffix(".running_var") { return .affine(offset: 0.5, slope: 1.5) }
        return .symmetric(scale: 0.1)
    }

    /// The values of tensor `key` (`fixture_values` in the script).
    static func values(key: String, shape: [Int]) -> [Float] {
        let count = shape.reduce(1, *)
        let stream = CounterRandom.stream(key)
        if key.hasSuffix("num_batches_tracked") {
            return [Float(Int(Double(CounterRandom.unitFloat(stream: stream, index: 0)) * 1000))]
        }
        let rule = rule(key: key, shape: shape)
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count {
                let u = Double(CounterRandom.unitFloat(stream: stream, index: i))
                switch rule {
                case .symmetric(let scale): out[i] = Float((2.0 * u - 1.0) * scale)
                case .affine(let offset, let slope): out[i] = Float(offset + slope * u)
                }
            }
            initialized = count
        }
    }

    /// Every ResNet50 tensor.
    static func stateDict() -> StateDict {
        var out: StateDict = [:]
        for (key, shape) in ResNet50Layout.parameterShapes {
            out[key] = Tensor(shape: shape, data: values(key: key, shape: shape))
        }
        return out
    }

    /// The two input images as NCHW (2, 3, 224, 224): 32x32 blocks of a level plus noise.
    static func inputNCHW(n: Int = 2, size: Int = 224, block: Int = 32) -> [Float] {
        let cells = size / block
        let levels = unit("input.blocks", n * 3 * cells * cells).map { 2.0 * $0 - 1.0 }
        let noise = unit("input", n * 3 * size * size)
        var out = [Float](repeating: 0, count: n * 3 * size * size)
        for plane in 0..<(n * 3) {
            for y in 0..<size {
                for x in 0..<size {
                    let i = (plane * size + y) * size + x
                    let level = levels[(plane * cells + y / block) * cells + x / block]
                    out[i] = Float(1.5 * level + 0.5 * (2.0 * noise[i] - 1.0))
                }
            }
        }
        return out
    }

    /// NCHW -> NHWC.
    /// - Parameter x: (n, c, h, w)
    /// - Returns: (n, h, w, c)
    static func nhwc(_ x: [Float], n: Int, c: Int, h: Int, w: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        for b in 0..<n { for ch in 0..<c { for y in 0..<h { for xx in 0..<w {
            out[((b * h + y) * w + xx) * c + ch] = x[((b * c + ch) * h + y) * w + xx]
        }}}}
        return out
    }

    /// A temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// `resnet50_expected.json`.
struct ResNet50Expected: Decodable {
    struct Summary: Decodable {
        let sum: Double
        let first: [Double]
    }
    /// (2, 2048)
    let features: [[Float]]
    /// (2, 1000)
    let logits: [[Float]]
    let tensors: [String: Summary]
}

/// `resnet50_200_expected.json`: the trunk on one input of another size.
struct ResNet50OtherSizeExpected: Decodable {
    /// Height and width of the input.
    let size: Int
    /// Side of the input's blocks (`FixtureWeights.inputNCHW`).
    let block: Int
    /// (1, 2048)
    let features: [[Float]]
    let input: ResNet50Expected.Summary
}

/// `small_expected.json`.
struct SmallExpected: Decodable {
    struct Entry: Decodable {
        let shape: [Int]
        let dtype: String
        let values: [Float]
    }
    let tensors: [String: Entry]
    /// File name -> SHA-256 hex (Python's hashlib).
    let sha256: [String: String]
}

/// Decodes a fixture JSON file.
func loadFixture<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: FixtureWeights.path(name))))
}
