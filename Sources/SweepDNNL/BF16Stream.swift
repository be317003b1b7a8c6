import CDNNL
import SweepModels
import SweepTensor

/// One stream of the bf16 trunk: its own oneDNN stream, primitives and bf16 activation buffers
/// (the engine's converted weights are shared). Used by one thread at a time.
final class BF16Stream: TrunkStream {
    /// One primitive with its arguments.
    struct Step {
        let primitive: dnnl_primitive_t
        let src: dnnl_memory_t, dst: dnnl_memory_t
        /// Weights and bias of a convolution; nil for the pooling.
        let weights: dnnl_memory_t?, bias: dnnl_memory_t?
    }

    let engine: BF16ResNet50
    let stream: dnnl_stream_t
    /// (batch, imageSize, imageSize, 3) bf16 input.
    let input: UnsafeMutablePointer<UInt16>
    /// Four activation buffers of the largest activation, bf16 NHWC.
    let buffers: [UnsafeMutablePointer<UInt16>]
    private(set) var steps: [Step] = []
    private var memories: [dnnl_memory_t] = []
    /// The last block's output: which buffer and its spatial size.
    private var final: (buffer: UnsafeMutablePointer<UInt16>, hw: Int) = (UnsafeMutablePointer(bitPattern: 64)!, 0)

    init(_ engine: BF16ResNet50) throws {
        self.engine = engine
        var s: dnnl_stream_t?
        try check(dnnl_stream_create(&s, engine.engine, dnnl_stream_default_flags.rawValue), "stream_create")
        guard let s else { throw DNNLError.failed(call: "stream_create", status: 5) }
        stream = s
        let n = engine.batch, size = engine.imageSize
        input = .allocate(capacity: n * size * size * 3)
        var largest = 0
        for c in engine.convs {
            let o = ConvKernels.outputSize(c.h, kernel: c.conv.kernel, stride: c.conv.stride, padding: c.conv.padding)
            largest = max(largest, c.h * c.w * c.conv.inChannels, o * o * c.conv.outChannels)
        }
        buffers = (0..<4).map { _ in .allocate(capacity: n * largest) }
        try build()
    }

    deinit {
        for step in steps { dnnl_primitive_destroy(step.primitive) }
        for m in memories { dnnl_memory_destroy(m) }
        dnnl_stream_destroy(stream)
        input.deallocate()
        for b in buffers { b.deallocate() }
    }

    /// A bf16 NHWC memory over `data`.
    private func memory(_ data: UnsafeMutablePointer<UInt16>, c: Int, h: Int, w: Int) throws -> dnnl_memory_t {
        var m: dnnl_memory_t?
        try check(sweep_dnnl_nhwc_memory(&m, engine.engine, Int32(engine.batch), Int32(c), Int32(h), Int32(w), dnnl_bf16,
                                         UnsafeMutableRawPointer(data)), "memory_create")
        guard let m else { throw DNNLError.failed(call: "memory_create", status: 5) }
        memories.append(m)
        return m
    }

    private func addConv(_ index: Int, from src: UnsafeMutablePointer<UInt16>, to dst: UnsafeMutablePointer<UInt16>,
                         residual: Bool) throws {
        let c = engine.convs[index], conv = c.conv
        let pd = try BF16ResNet50.convDescriptor(engine.engine, conv, batch: engine.batch, h: c.h, w: c.w, residual: residual)
        defer { dnnl_primitive_desc_destroy(pd) }
        var shared: UnsafePointer<dnnl_memory_desc_t>?
        try check(dnnl_memory_get_memory_desc(c.weights, &shared), "memory_get_memory_desc")
        guard let wanted = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), let shared,
              dnnl_memory_desc_equal(wanted, shared) != 0 else {
            throw DNNLError.failed(call: "weights layout of convolution \(index) differs between primitives", status: 3)
        }
        var p: dnnl_primitive_t?
        try check(dnnl_primitive_create(&p, pd), "primitive_create")
        guard let p else { throw DNNLError.failed(call: "primitive_create", status: 5) }
        let o = ConvKernels.outputSize(c.h, kernel: conv.kernel, stride: conv.stride, padding: conv.padding)
        steps.append(Step(primitive: p, src: try memory(src, c: conv.inChannels, h: c.h, w: c.w),
                          dst: try memory(dst, c: conv.outChannels, h: o, w: o), weights: c.weights, bias: c.bias))
    }

    /// The forward pass as a list of primitives over the four buffers, as `ResNet50.forward` uses them.
    private func build() throws {
        let (a, b, c, d) = (buffers[0], buffers[1], buffers[2], buffers[3])
        try addConv(0, from: input, to: a, residual: false)
        let s = ConvKernels.outputSize(engine.imageSize, kernel: 7, stride: 2, padding: 3)
        let p = ConvKernels.outputSize(s, kernel: 3, stride: 2, padding: 1)
        var pd: dnnl_primitive_desc_t?
        try check(sweep_dnnl_maxpool_pd(&pd, engine.engine, Int32(engine.batch), 64, Int32(s), Int32(s), 3, 2, 1), "max pooling")
        guard let pd else { throw DNNLError.failed(call: "pooling", status: 5) }
        defer { dnnl_primitive_desc_destroy(pd) }
        var pool: dnnl_primitive_t?
        try check(dnnl_primitive_create(&pool, pd), "primitive_create")
        guard let pool else { throw DNNLError.failed(call: "primitive_create", status: 5) }
        steps.append(Step(primitive: pool, src: try memory(a, c: 64, h: s, w: s), dst: try memory(b, c: 64, h: p, w: p),
                          weights: nil, bias: nil))
        var current = b, other = a, index = 1, h = p
        for block in engine.network.blocks {
            try addConv(index, from: current, to: c, residual: false)
            try addConv(index + 1, from: c, to: d, residual: false)
            index += 2
            if block.downsample != nil {
                try addConv(index, from: current, to: other, residual: false)
                swap(&current, &other)
                index += 1
            }
            try addConv(index, from: d, to: current, residual: true)
            index += 1
            h = ConvKernels.outputSize(h, kernel: 3, stride: block.conv2.stride, padding: 1)
        }
        final = (current, h * h)
    }

    func forward(_ x: UnsafePointer<Float>, count: Int, features: UnsafeMutablePointer<Float>) throws {
        let n = min(count, engine.batch), values = engine.imageSize * engine.imageSize * 3
        BFloat16.round(x, count: n * values, into: input)
        omp_set_num_threads(Int32(engine.threadsPerStream))
        for step in steps {
            if let weights = step.weights, let bias = step.bias {
                try check(sweep_dnnl_conv_run(step.primitive, stream, step.src, weights, bias, step.dst), "convolution")
            } else {
                try check(sweep_dnnl_pool_run(step.primitive, stream, step.src, step.dst), "pooling")
            }
        }
        try check(dnnl_stream_wait(stream), "stream_wait")
        BFloat16.globalAveragePool(final.buffer, n: n, hw: final.hw, c: ResNet50Layout.featureCount, output: features)
    }
}

/// bfloat16 values as the upper 16 bits of a Float's bit pattern.
public enum BFloat16 {
    /// Rounds to the nearest bf16 (ties to even).
    ///
    /// - Parameters:
    ///   - values: (count)
    ///   - output: (count)
    public static func round(_ values: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<UInt16>) {
        for i in 0..<count {
            let bits = values[i].bitPattern
            output[i] = UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
        }
    }

    /// The Float a bf16 value stands for.
    @inline(__always)
    public static func float(_ v: UInt16) -> Float { Float(bitPattern: UInt32(v) << 16) }

    /// Mean over the spatial positions, in fp32.
    ///
    /// - Parameters:
    ///   - input: (n, hw, c) bf16
    ///   - output: (n, c)
    static func globalAveragePool(_ input: UnsafePointer<UInt16>, n: Int, hw: Int, c: Int,
                                  output: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(hw)
        for b in 0..<n {
            let dst = output + b * c
            dst.update(repeating: 0, count: c)
            for p in 0..<hw {
                let src = input + (b * hw + p) * c
                for k in 0..<c { dst[k] += float(src[k]) }
            }
            for k in 0..<c { dst[k] *= scale }
        }
    }
}
