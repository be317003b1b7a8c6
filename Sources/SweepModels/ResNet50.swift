import SweepTensor

/// torchvision's ResNet50 for inference (frozen trunk, eval-mode BatchNorm folded into the
/// convolutions), on NHWC activations. He et al. 2016, "Deep Residual Learning for Image
/// Recognition"; layout per `ResNet50Layout`.
public final class ResNet50: Sendable {
    /// One bottleneck: 1x1, 3x3 (the stage's stride), 1x1 onto the residual (downsampled in a
    /// stage's first block).
    public struct Block: Sendable {
        /// 1x1, ReLU.
        public let conv1: FoldedConv
        /// 3x3, ReLU.
        public let conv2: FoldedConv
        /// 1x1, added to the residual, then ReLU.
        public let conv3: FoldedConv
        /// 1x1 (strided) on the block's input, the residual of a stage's first block.
        public let downsample: FoldedConv?
    }

    /// 7x7 stride 2, ReLU (then 3x3 stride-2 max pooling).
    public let stem: FoldedConv
    /// The 16 bottlenecks, in order.
    public let blocks: [Block]
    /// (2048, 1000), the transpose of torch's `fc.weight` (1000, 2048), when present.
    let fcWeight: FloatBuffer?
    /// (1000)
    let fcBias: FloatBuffer?

    /// Multiply-adds of one forward pass at 224x224 up to the pooled features (4.09 G).
    public static let macsPerImage224 = 4_089_184_256

    /// Which algorithm each 3x3 stride-1 convolution runs.
    public let plan: ConvPlan

    /// Builds the network from a state_dict; `requireClassifier` makes `fc.*` mandatory.
    /// - Parameters:
    ///   - file: named in errors (the weights' origin).
    ///   - plan: im2col or Winograd per 3x3 stride-1 convolution (Winograd filters are
    ///     transformed here, once).
    public init(weights: StateDict, file: String, requireClassifier: Bool = false,
                plan: ConvPlan = .measured) throws {
        self.plan = plan
        stem = try FoldedConv(layout: ResNet50Layout.stem, from: weights, file: file)
        blocks = try ResNet50Layout.bottlenecks.map { b in
            Block(conv1: try FoldedConv(layout: b.conv1, from: weights, file: file),
                  conv2: try FoldedConv(layout: b.conv2, from: weights, file: file).using(plan.algorithm(for: b.conv2)),
                  conv3: try FoldedConv(layout: b.conv3, from: weights, file: file),
                  downsample: try b.downsample.map { try FoldedConv(layout: $0, from: weights, file: file) })
        }
        let classes = ResNet50Layout.imagenetClasses, features = ResNet50Layout.featureCount
        if requireClassifier || weights["fc.weight"] != nil || weights["fc.bias"] != nil {
            let w = try weights.tensor("fc.weight", shape: [classes, features], file: file)
            let b = try weights.tensor("fc.bias", shape: [classes], file: file)
            var transposed = [Float](repeating: 0, count: features * classes)
            for o in 0..<classes { for i in 0..<features { transposed[i * classes + o] = w.data[o * features + i] } }
            fcWeight = FloatBuffer(transposed)
            fcBias = FloatBuffer(b.data)
        } else {
            fcWeight = nil
            fcBias = nil
        }
    }

    /// True when the ImageNet classifier (`fc`) was loaded.
    public var hasClassifier: Bool { fcWeight != nil }

    /// Buffers for one batch size and input size, reused across calls. One forward pass at a
    /// time may use a workspace.
    public final class Workspace: @unchecked Sendable {
        let n: Int, h: Int, w: Int
        /// Bytes of patches gathered per GEMM call (0 = all at once), for experiments in the bench.
        public let patchChunkBytes: Int
        let a: FloatBuffer, b: FloatBuffer, c: FloatBuffer, d: FloatBuffer, scratch: FloatBuffer

        /// Room for a batch of `n` images of `h` x `w`; the scratch holds one chunk of
        /// `patchChunkBytes` of patches (rounded to whole patch rows) or a strided 1x1's
        /// subsampled input, whichever is larger.
        public init(n: Int, h: Int = 224, w: Int = 224, patchChunkBytes: Int = FoldedConv.defaultPatchChunkBytes) {
            self.n = n; self.h = h; self.w = w
            self.patchChunkBytes = patchChunkBytes
            func scratchCount(_ conv: ResNet50Layout.ConvBN, _ h: Int, _ w: Int) -> Int {
                FoldedConv.scratchCount(conv, n: n, h: h, w: w, chunkBytes: patchChunkBytes)
            }
            var maxActivation = 0  // per image
            var maxScratch = scratchCount(ResNet50Layout.stem, h, w)  // whole batch
            var sh = ConvKernels.outputSize(h, kernel: 7, stride: 2, padding: 3)
            var sw = ConvKernels.outputSize(w, kernel: 7, stride: 2, padding: 3)
            maxActivation = sh * sw * 64
            sh = ConvKernels.outputSize(sh, kernel: 3, stride: 2, padding: 1)
            sw = ConvKernels.outputSize(sw, kernel: 3, stride: 2, padding: 1)
            for b in ResNet50Layout.bottlenecks {
                maxActivation = max(maxActivation, sh * sw * max(b.conv1.outChannels, b.conv1.inChannels))
                let oh = ConvKernels.outputSize(sh, kernel: 3, stride: b.conv2.stride, padding: 1)
                let ow = ConvKernels.outputSize(sw, kernel: 3, stride: b.conv2.stride, padding: 1)
                for conv in [b.conv1, b.conv2] + (b.downsample.map { [$0] } ?? []) {
                    maxScratch = max(maxScratch, scratchCount(conv, sh, sw))
                }
                maxScratch = max(maxScratch, scratchCount(b.conv3, oh, ow))
                maxActivation = max(maxActivation, oh * ow * b.conv3.outChannels)
                sh = oh; sw = ow
            }
            a = FloatBuffer(count: n * maxActivation)
            b = FloatBuffer(count: n * maxActivation)
            c = FloatBuffer(count: n * maxActivation)
            d = FloatBuffer(count: n * maxActivation)
            scratch = FloatBuffer(count: maxScratch)
        }

        /// Bytes held.
        public var bytes: Int { (a.count * 4 + scratch.count) * MemoryLayout<Float>.stride }
    }

    /// Pooled features of a batch.
    ///
    /// - Parameters:
    ///   - input: (n, h, w, 3) normalised images, NHWC; h, w as the workspace's.
    ///   - count: n, at most the workspace's batch size (default: that size).
    ///   - features: (n, 2048) output.
    ///   - logits: (n, 1000) output, written when given and the classifier is loaded.
    ///   - threads: ways to split the memory-bound passes (GEMM threads are OpenBLAS's setting).
    ///   - profiler: receives time per layer; `kernelProfiler` time per kernel kind.
    public func forward(_ input: UnsafePointer<Float>, count: Int? = nil, workspace ws: Workspace,
                        features: UnsafeMutablePointer<Float>, logits: UnsafeMutablePointer<Float>? = nil,
                        threads: Int = 1, profiler: Profiler? = nil, kernelProfiler: Profiler? = nil) {
        let n = min(count ?? ws.n, ws.n)
        var (h, w) = profiler.measure("conv1") {
            stem(input, n: n, h: ws.h, w: ws.w, output: ws.a.pointer, scratch: ws.scratch.pointer,
                 patchChunkBytes: ws.patchChunkBytes, relu: true, threads: threads, profiler: kernelProfiler)
        }
        let ph = ConvKernels.outputSize(h, kernel: 3, stride: 2, padding: 1)
        let pw = ConvKernels.outputSize(w, kernel: 3, stride: 2, padding: 1)
        profiler.measure("maxpool") {
            ConvKernels.maxPool(input: ws.a.pointer, n: n, h: h, w: w, c: 64, kernel: 3, stride: 2, padding: 1,
                                output: ws.b.pointer, threads: threads)
        }
        (h, w) = (ph, pw)
        var current = ws.b, other = ws.a
        for (index, block) in blocks.enumerated() {
            let name = Self.stageName(index)
            let x = current.pointer
            profiler.measure("\(name) conv1 1x1") {
                _ = block.conv1(x, n: n, h: h, w: w, output: ws.c.pointer, scratch: ws.scratch.pointer,
                                patchChunkBytes: ws.patchChunkBytes, relu: true, threads: threads, profiler: kernelProfiler)
            }
            let (oh, ow) = profiler.measure("\(name) conv2 3x3") {
                block.conv2(ws.c.pointer, n: n, h: h, w: w, output: ws.d.pointer, scratch: ws.scratch.pointer,
                            patchChunkBytes: ws.patchChunkBytes, relu: true, threads: threads, profiler: kernelProfiler)
            }
            if let ds = block.downsample {
                profiler.measure("\(name) downsample") {
                    _ = ds(x, n: n, h: h, w: w, output: other.pointer, scratch: ws.scratch.pointer,
                           patchChunkBytes: ws.patchChunkBytes, relu: false, threads: threads, profiler: kernelProfiler)
                }
                swap(&current, &other)
            }
            // conv3 accumulates onto the residual, in place: the block's output replaces its input.
            profiler.measure("\(name) conv3 1x1") {
                _ = block.conv3(ws.d.pointer, n: n, h: oh, w: ow, output: current.pointer,
                                scratch: ws.scratch.pointer, patchChunkBytes: ws.patchChunkBytes, accumulate: true,
                                relu: true, threads: threads, profiler: kernelProfiler)
            }
            (h, w) = (oh, ow)
        }
        profiler.measure("avgpool") {
            ConvKernels.globalAveragePool(input: current.pointer, n: n, hw: h * w, c: ResNet50Layout.featureCount,
                                          output: features)
        }
        if let logits, let fcWeight, let fcBias {
            let classes = ResNet50Layout.imagenetClasses
            profiler.measure("fc") {
                BLAS.sgemm(m: n, n: classes, k: ResNet50Layout.featureCount, a: features,
                           lda: ResNet50Layout.featureCount, b: fcWeight.pointer, ldb: classes, c: logits, ldc: classes)
                ConvKernels.addBias(logits, rows: n, c: classes, bias: fcBias.pointer, relu: false, threads: 1)
            }
        }
    }

    /// `layer1`...`layer4` for block `index` (0..<16).
    public static func stageName(_ index: Int) -> String {
        var i = index
        for (stage, count) in ResNet50Layout.blocks.enumerated() {
            if i < count { return "layer\(stage + 1)" }
            i -= count
        }
        return "layer?"
    }
}
