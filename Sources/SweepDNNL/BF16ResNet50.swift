import CDNNL
import SweepModels
import SweepTensor

/// ResNet50's trunk in bfloat16 through oneDNN's convolution primitives: activations and weights
/// in bf16 (weights converted once, here), products accumulated in fp32, BatchNorm folded as in
/// the fp32 network, the global average pool in fp32. Needs AVX-512 BF16 (`BF16Support`).
/// Reference for the number format: Kalamkar et al. 2019, "A Study of BFLOAT16 for Deep
/// Learning Training".
public final class BF16ResNet50: TrunkEngine, @unchecked Sendable {
    /// One convolution's shape and its converted weights.
    struct Conv {
        let conv: FoldedConv
        /// Input height and width at the engine's image size.
        let h: Int, w: Int
        let weights: dnnl_memory_t
        let bias: dnnl_memory_t
    }

    public let precision = "bf16"
    /// Images per pass of every stream.
    public let batch: Int
    /// Height and width of the images.
    public let imageSize: Int
    /// oneDNN threads (OpenMP) per stream.
    public let threadsPerStream: Int
    let network: ResNet50
    let engine: dnnl_engine_t
    /// The stem, then per block conv1, conv2, downsample (if any), conv3.
    let convs: [Conv]

    /// Converts `network`'s folded weights to bf16 for batches of `batch` images of `imageSize`.
    /// - Throws: `DNNLError.noBF16` when the CPU (or `ONEDNN_MAX_CPU_ISA`) lacks AVX-512 BF16,
    ///   `DNNLError.failed` when oneDNN refuses a primitive.
    public init(network: ResNet50, batch: Int, imageSize: Int, threadsPerStream: Int = 1,
                support: BF16Support = .current) throws {
        try support.require()
        self.network = network
        self.batch = batch
        self.imageSize = imageSize
        self.threadsPerStream = max(1, threadsPerStream)
        var engine: dnnl_engine_t?
        try check(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine_create")
        guard let engine else { throw DNNLError.failed(call: "engine_create", status: 5) }
        self.engine = engine
        var stream: dnnl_stream_t?
        try check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "stream_create")
        defer { if let stream { dnnl_stream_destroy(stream) } }
        var made: [Conv] = []
        for (conv, h, w) in Self.layers(network, imageSize: imageSize) {
            let pd = try Self.convDescriptor(engine, conv, batch: batch, h: h, w: w, residual: false)
            defer { dnnl_primitive_desc_destroy(pd) }
            var weights: dnnl_memory_t?, bias: dnnl_memory_t?
            try check(sweep_dnnl_weights(&weights, engine, stream, pd, conv.weight.pointer, Int32(conv.outChannels),
                                         Int32(conv.inChannels), Int32(conv.kernel)), "weights reorder")
            try check(sweep_dnnl_vector_memory(&bias, engine, Int32(conv.outChannels), conv.bias.pointer), "bias memory")
            guard let weights, let bias else { throw DNNLError.failed(call: "memory_create", status: 5) }
            made.append(Conv(conv: conv, h: h, w: w, weights: weights, bias: bias))
        }
        convs = made
    }

    deinit {
        for c in convs {
            dnnl_memory_destroy(c.weights)
            dnnl_memory_destroy(c.bias)
        }
        dnnl_engine_destroy(engine)
    }

    /// Every convolution in the order `convs` holds them, with its input size.
    static func layers(_ network: ResNet50, imageSize: Int) -> [(FoldedConv, Int, Int)] {
        var out = [(network.stem, imageSize, imageSize)]
        let s = ConvKernels.outputSize(imageSize, kernel: 7, stride: 2, padding: 3)
        var h = ConvKernels.outputSize(s, kernel: 3, stride: 2, padding: 1)
        for b in network.blocks {
            let oh = ConvKernels.outputSize(h, kernel: 3, stride: b.conv2.stride, padding: 1)
            out.append((b.conv1, h, h))
            out.append((b.conv2, h, h))
            if let d = b.downsample { out.append((d, h, h)) }
            out.append((b.conv3, oh, oh))
            h = oh
        }
        return out
    }

    /// The convolution's primitive descriptor (bf16 in and out; ReLU unless it is a downsample;
    /// `residual`: conv3, added onto its output buffer first).
    static func convDescriptor(_ engine: dnnl_engine_t, _ c: FoldedConv, batch: Int, h: Int, w: Int,
                               residual: Bool) throws -> dnnl_primitive_desc_t {
        var pd: dnnl_primitive_desc_t?
        let relu = !(c.kernel == 1 && c.stride != 1)
        try check(sweep_dnnl_conv_pd(&pd, engine, Int32(batch), Int32(c.inChannels), Int32(h), Int32(w),
                                     Int32(c.outChannels), Int32(c.kernel), Int32(c.stride), Int32(c.padding),
                                     dnnl_bf16, residual ? 1 : 0, relu ? 1 : 0),
                  "convolution \(c.kernel)x\(c.kernel) \(c.inChannels)->\(c.outChannels) at \(h)x\(w)")
        guard let pd else { throw DNNLError.failed(call: "primitive_desc_create", status: 5) }
        return pd
    }

    public func makeStream(batch: Int, imageSize: Int) throws -> any TrunkStream {
        guard batch == self.batch, imageSize == self.imageSize else {
            throw DNNLError.failed(call: "stream for batch \(batch) at \(imageSize) (engine: \(self.batch) at \(self.imageSize))",
                                   status: 2)
        }
        return try BF16Stream(self)
    }
}
