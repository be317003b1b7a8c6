// The MLP head of the notebook (`ExtendedResNetModel._create_head`) with PyTorch's default
// initialisation (torch/nn/modules/linear.py `reset_parameters`: kaiming_uniform_(a=sqrt(5))
// for the weight, i.e. U(-1/sqrt(in), 1/sqrt(in)), and U(-1/sqrt(in), 1/sqrt(in)) for the
// bias; BatchNorm1d weight 1, bias 0, running mean 0, running variance 1).
import Foundation
import SweepTensor

/// A head's weights and BatchNorm statistics, with training and evaluation passes.
///
/// Not thread-safe: one head belongs to one trial.
public final class Head {
    /// Its shape.
    public let config: HeadConfig
    let layout: HeadLayout
    /// (parameterCount) all parameters, PyTorch `parameters()` order.
    let parameters: FloatBuffer
    /// (parameterCount) gradients of the last backward pass, same layout.
    let gradients: FloatBuffer
    /// (statisticsCount) running means and variances.
    let statistics: FloatBuffer
    /// `num_batches_tracked` of each BatchNorm1d.
    var batchesTracked: [Int]
    /// Training activations, sized for the largest batch seen.
    var workspace: HeadWorkspace?

    private init(validated config: HeadConfig) {
        self.config = config
        layout = HeadLayout(config)
        parameters = FloatBuffer(count: layout.parameterCount)
        gradients = FloatBuffer(count: layout.parameterCount)
        statistics = FloatBuffer(count: layout.statisticsCount)
        batchesTracked = Array(repeating: 0, count: layout.norms.count)
        for n in layout.norms {
            (parameters.pointer + n.weight).update(repeating: 1, count: n.width)
            (statistics.pointer + n.variance).update(repeating: 1, count: n.width)
        }
    }

    /// A freshly initialised head; the same seed gives the same weights.
    ///
    /// Linear layers are drawn in order (weight, then bias) from `SeededGenerator(seed:)` as
    /// `u * (b - a) + a` in fp32 with 24-bit `u`, as torch's `uniform_`.
    public convenience init(config: HeadConfig, seed: UInt64) throws {
        try config.validate()
        self.init(validated: config)
        var generator = SeededGenerator(seed: seed)
        for l in layout.linears {
            let fanIn = Double(l.inWidth)
            // kaiming_uniform_(a = sqrt(5)): gain sqrt(2 / (1 + 5)), bound sqrt(3) * gain / sqrt(fan_in)
            let weightBound = 3.0.squareRoot() * ((2.0 / 6.0).squareRoot() / fanIn.squareRoot())
            fillUniform(parameters.pointer + l.weight, count: l.inWidth * l.outWidth,
                        bound: weightBound, generator: &generator)
            fillUniform(parameters.pointer + l.bias, count: l.outWidth,
                        bound: 1 / fanIn.squareRoot(), generator: &generator)
        }
    }

    /// A head rebuilt from a state dict with `nn.Sequential` keys (as written by `stateDict()`
    /// or by PyTorch for the same architecture). Every key must be present with its shape;
    /// unknown keys are an error too (PyTorch's strict loading).
    public convenience init(config: HeadConfig, state: [String: Tensor]) throws {
        try config.validate()
        self.init(validated: config)
        var expected = Set<String>()
        func load(_ key: String, _ shape: [Int], into base: UnsafeMutablePointer<Float>) throws {
            expected.insert(key)
            guard let t = state[key] else { throw TrainError.badState(key: key, reason: "missing") }
            guard t.shape == shape else {
                throw TrainError.badState(key: key, reason: "shape \(describeShape(t.shape)), expected \(describeShape(shape))")
            }
            t.data.withUnsafeBufferPointer { src in
                if let s = src.baseAddress { base.update(from: s, count: t.count) }
            }
        }
        for e in layout.parameterEntries { try load(e.key, e.shape, into: parameters.pointer + e.offset) }
        for e in layout.statisticsEntries { try load(e.key, e.shape, into: statistics.pointer + e.offset) }
        for (i, n) in layout.norms.enumerated() {
            let key = "\(n.index).num_batches_tracked"
            expected.insert(key)
            guard let t = state[key], t.count == 1, let v = t.data.first, v >= 0, v < 9e15, v.rounded() == v else {
                throw TrainError.badState(key: key, reason: "missing or not a single whole number")
            }
            batchesTracked[i] = Int(v)
        }
        if let extra = state.keys.filter({ !expected.contains($0) }).sorted().first {
            throw TrainError.badState(key: extra, reason: "not a tensor of this head")
        }
    }

    /// The weights as a PyTorch state dict of `nn.Sequential` (`0.weight`, `1.running_mean`,
    /// ...). `num_batches_tracked` is a 0-d tensor holding the count (int64 in PyTorch; a
    /// writer should store it as I64).
    public func stateDict() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        func tensor(_ base: UnsafePointer<Float>, _ shape: [Int]) -> Tensor {
            Tensor(shape: shape, data: Array(UnsafeBufferPointer(start: base, count: shape.reduce(1, *))))
        }
        for e in layout.parameterEntries { state[e.key] = tensor(parameters.pointer + e.offset, e.shape) }
        for e in layout.statisticsEntries { state[e.key] = tensor(statistics.pointer + e.offset, e.shape) }
        for (i, n) in layout.norms.enumerated() {
            state["\(n.index).num_batches_tracked"] = Tensor(shape: [], data: [Float(batchesTracked[i])])
        }
        return state
    }

    /// Number of trainable parameters.
    public var parameterCount: Int { layout.parameterCount }
}

/// Fills `count` values with U(-bound, bound) as torch's fp32 `uniform_`: `u * (to - from) + from`.
///
/// - Parameters:
///   - values: (count) output.
private func fillUniform(_ values: UnsafeMutablePointer<Float>, count: Int, bound: Double,
                         generator: inout SeededGenerator) {
    let from = Float(-bound), to = Float(bound)
    for i in 0..<count { values[i] = generator.nextUnitFloat() * (to - from) + from }
}
