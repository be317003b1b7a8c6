import Foundation
import SweepTensor
@testable import SweepTrain

/// Readers for the PyTorch fixtures made by `Tests/Fixtures/make_train_fixtures.py`.
enum TrainFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("train")

    struct TensorJSON: Decodable {
        let shape: [Int]
        let data: [Double]
        var tensor: Tensor { Tensor(shape: shape, data: data.map { Float($0) }) }
    }

    struct Data: Decodable {
        let samples: Int
        let features: Int
        let classes: Int
        let x: [Double]
        let y: [Int]
        let pos_weight: [Double]
        var xFloat: [Float] { x.map { Float($0) } }
        var yFloat: [Float] { y.map { Float($0) } }
    }

    struct Run: Decodable {
        let depth: Int
        let input_width: Int
        let classes: Int
        let steps: Int
        let initial_state: [String: TensorJSON]
        let batches: [[Int]]
        let lrs: [Double]
        let losses: [Double]
        let first_gradients: [String: TensorJSON]
        let pre_bn_bias_trajectory: [String: [[Double]]]
        let final_state: [String: TensorJSON]
        let eval_logits: [Double]
    }

    struct LRSequence: Decodable {
        let kind: String
        let base: Double
        let t_max: Int?
        let eta_min: Double?
        let step_size: Int?
        let gamma: Double?
        let steps: Int
        let lrs: [Double]
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = directory.appendingPathComponent(name + ".json")
        return try JSONDecoder().decode(T.self, from: Foundation.Data(contentsOf: url))
    }

    static func state(_ s: [String: TensorJSON]) -> [String: Tensor] { s.mapValues(\.tensor) }
}

/// Largest |a - b| / max(|b|, floor) over two equal-length sequences.
func maxRelativeError<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(_ a: [A], _ b: [B], floor: Double = 1e-6) -> Double {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count)")
    var worst = 0.0
    for (x, y) in zip(a, b) {
        let e = abs(Double(x) - Double(y)) / max(abs(Double(y)), floor)
        worst = max(worst, e.isNaN ? .infinity : e)
    }
    return worst
}
