/// The parameter layout of torchvision's ResNet50 (He et al. 2016, "Deep Residual Learning
/// for Image Recognition", the "v1.5" variant: the stride sits on each stage's first 3x3
/// conv). Keys and shapes are exactly those of `torchvision.models.resnet50().state_dict()`.
public enum ResNet50Layout {
    /// Blocks per stage.
    public static let blocks = [3, 4, 6, 3]
    /// Bottleneck width per stage (output channels are 4x this).
    public static let widths = [64, 128, 256, 512]
    /// Bottleneck expansion.
    public static let expansion = 4
    /// Width of the pooled feature vector.
    public static let featureCount = 2048
    /// ImageNet classes of the `fc` layer.
    public static let imagenetClasses = 1000

    /// One convolution followed by its BatchNorm, as named in the state_dict.
    public struct ConvBN: Sendable, Equatable {
        /// Key of the conv weight, e.g. `layer1.0.conv2.weight`.
        public var conv: String
        /// Prefix of the BatchNorm keys, e.g. `layer1.0.bn2`.
        public var bn: String
        /// Channels of the convolution's input.
        public var inChannels: Int
        /// Channels of its output (and of the BatchNorm).
        public var outChannels: Int
        /// Kernel height and width.
        public var kernel: Int
        /// Convolution stride.
        public var stride: Int
        /// Zero padding on each side.
        public var padding: Int
    }

    /// One bottleneck block: conv1 1x1, conv2 3x3 (stride), conv3 1x1, optional downsample.
    public struct Block: Sendable, Equatable {
        /// 1x1 reduction to the block's width.
        public var conv1: ConvBN
        /// 3x3 at the block's width, carrying the stage's stride.
        public var conv2: ConvBN
        /// 1x1 expansion to 4x the width; the residual is added after it.
        public var conv3: ConvBN
        /// 1x1 projection of the residual, in each stage's first block only.
        public var downsample: ConvBN?
    }

    /// The stem: conv1 7x7/2 + bn1 (then ReLU and 3x3/2 max pool).
    public static let stem = ConvBN(conv: "conv1.weight", bn: "bn1", inChannels: 3, outChannels: 64,
                                    kernel: 7, stride: 2, padding: 3)

    /// The 16 bottleneck blocks, in order.
    public static let bottlenecks: [Block] = {
        var result: [Block] = []
        var inChannels = 64
        for (stage, count) in blocks.enumerated() {
            let width = widths[stage]
            let out = width * expansion
            for i in 0..<count {
                let p = "layer\(stage + 1).\(i)"
                let stride = (i == 0 && stage > 0) ? 2 : 1
                let ds: ConvBN? = i == 0
                    ? ConvBN(conv: "\(p).downsample.0.weight", bn: "\(p).downsample.1", inChannels: inChannels,
                             outChannels: out, kernel: 1, stride: stride, padding: 0)
                    : nil
                result.append(Block(
                    conv1: ConvBN(conv: "\(p).conv1.weight", bn: "\(p).bn1", inChannels: inChannels,
                                  outChannels: width, kernel: 1, stride: 1, padding: 0),
                    conv2: ConvBN(conv: "\(p).conv2.weight", bn: "\(p).bn2", inChannels: width,
                                  outChannels: width, kernel: 3, stride: stride, padding: 1),
                    conv3: ConvBN(conv: "\(p).conv3.weight", bn: "\(p).bn3", inChannels: width,
                                  outChannels: out, kernel: 1, stride: 1, padding: 0),
                    downsample: ds))
                inChannels = out
            }
        }
        return result
    }()

    /// Every conv + BN pair in forward order.
    public static var convs: [ConvBN] {
        [stem] + bottlenecks.flatMap { b in [b.conv1, b.conv2, b.conv3] + (b.downsample.map { [$0] } ?? []) }
    }

    /// Every state_dict key with its shape, in torchvision's order of registration
    /// (BatchNorm's `num_batches_tracked` is a 0-d int64 tensor: shape `[]`).
    public static var parameterShapes: [(key: String, shape: [Int])] {
        var out: [(String, [Int])] = []
        func add(_ c: ConvBN) {
            out.append((c.conv, [c.outChannels, c.inChannels, c.kernel, c.kernel]))
            for s in ["weight", "bias", "running_mean", "running_var"] { out.append(("\(c.bn).\(s)", [c.outChannels])) }
            out.append(("\(c.bn).num_batches_tracked", []))
        }
        add(stem)
        for b in bottlenecks {
            add(b.conv1); add(b.conv2); add(b.conv3)
            if let d = b.downsample { add(d) }
        }
        out.append(("fc.weight", [imagenetClasses, featureCount]))
        out.append(("fc.bias", [imagenetClasses]))
        return out
    }
}
