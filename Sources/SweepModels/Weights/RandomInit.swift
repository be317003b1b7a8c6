import Foundation
import SweepTensor

/// A ResNet50 state_dict initialised with torchvision's scheme (`torchvision/models/resnet.py`,
/// `ResNet.__init__`, with `zero_init_residual=False`):
/// - convolutions: `kaiming_normal_(mode="fan_out", nonlinearity="relu")`, i.e. N(0, 2 / fan_out)
///   with fan_out = out_channels * kh * kw (He et al. 2015, "Delving Deep into Rectifiers");
/// - BatchNorm: weight 1, bias 0, running_mean 0, running_var 1, num_batches_tracked 0;
/// - `fc`: `nn.Linear`'s default, weight and bias U(-1/sqrt(in), 1/sqrt(in)).
///
/// The numbers come from `CounterRandom` (splitmix64 streams named by seed and key), not from
/// PyTorch's Mersenne Twister / Philox, so they cannot equal `torch.manual_seed(seed)`'s; only
/// the distributions match.
public enum RandomInit {
    /// Every key of `ResNet50Layout.parameterShapes`, drawn for `seed`.
    public static func resnet50(seed: UInt64) -> StateDict {
        var out: StateDict = [:]
        for c in ResNet50Layout.convs {
            let shape = [c.outChannels, c.inChannels, c.kernel, c.kernel]
            let std = (2.0 / Double(c.outChannels * c.kernel * c.kernel)).squareRoot()
            out[c.conv] = normal(key: c.conv, seed: seed, shape: shape, std: std)
            out["\(c.bn).weight"] = Tensor(shape: [c.outChannels], data: [Float](repeating: 1, count: c.outChannels))
            out["\(c.bn).bias"] = Tensor(zeros: [c.outChannels])
            out["\(c.bn).running_mean"] = Tensor(zeros: [c.outChannels])
            out["\(c.bn).running_var"] = Tensor(shape: [c.outChannels], data: [Float](repeating: 1, count: c.outChannels))
            out["\(c.bn).num_batches_tracked"] = Tensor(zeros: [])
        }
        let classes = ResNet50Layout.imagenetClasses, features = ResNet50Layout.featureCount
        let bound = 1 / Double(features).squareRoot()
        out["fc.weight"] = uniform(key: "fc.weight", seed: seed, shape: [classes, features], bound: bound)
        out["fc.bias"] = uniform(key: "fc.bias", seed: seed, shape: [classes], bound: bound)
        return out
    }

    /// The stream of `key` under `seed`.
    static func stream(key: String, seed: UInt64) -> UInt64 {
        var state = seed
        return CounterRandom.stream(key) ^ splitmix64(&state)
    }

    /// N(0, std^2) values.
    static func normal(key: String, seed: UInt64, shape: [Int], std: Double) -> Tensor {
        let s = stream(key: key, seed: seed)
        let count = shape.reduce(1, *)
        let data = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = Float(CounterRandom.normal(stream: s, index: i) * std) }
            initialized = count
        }
        return Tensor(shape: shape, data: data)
    }

    /// U(-bound, bound) values.
    static func uniform(key: String, seed: UInt64, shape: [Int], bound: Double) -> Tensor {
        let s = stream(key: key, seed: seed)
        let count = shape.reduce(1, *)
        let data = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = Float((2 * CounterRandom.unitDouble(stream: s, index: i) - 1) * bound) }
            initialized = count
        }
        return Tensor(shape: shape, data: data)
    }
}
