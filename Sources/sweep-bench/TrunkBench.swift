import Foundation
import SweepDNNL
import SweepModels
import SweepTensor

/// GFLOP of one 224x224 forward pass up to the pooled features (2 x 4.09 G multiply-adds).
let trunkGFLOPPerImage = 2 * Double(ResNet50.macsPerImage224) / 1e9

/// Images per second of the trunk on a batch of random normalised images.
struct TrunkBench {
    let network: ResNet50
    let cores: Int
    /// The workspaces' bytes of patches per GEMM call.
    let patchChunkBytes: Int

    init(cores: Int, patchChunkBytes: Int, plan: ConvPlan = .measured) throws {
        network = try ResNet50(weights: RandomInit.resnet50(seed: 0), file: "random:0", plan: plan)
        self.cores = cores
        self.patchChunkBytes = patchChunkBytes
    }

    static func randomImages(_ count: Int) -> FloatBuffer {
        let input = FloatBuffer(count: count * 224 * 224 * 3)  // (count, 224, 224, 3)
        var s: UInt64 = 1
        for i in 0..<input.count {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            input.pointer[i] = Float(Int64(bitPattern: s >> 11) % 4000) / 1000 - 2
        }
        return input
    }

    /// `streams` parallel streams (1 BLAS thread each), `batch` images per pass each.
    func streamsRate(streams: Int, batch: Int, images: Int) throws -> Double {
        let runner = TrunkRunner(network: network, streams: streams, batchPerStream: batch, imageSize: 224,
                                 patchChunkBytes: patchChunkBytes)
        let input = Self.randomImages(batch)
        let out = FloatBuffer(count: images * ResNet50Layout.featureCount)
        nonisolated(unsafe) let source = input.pointer
        let load: @Sendable (Int, UnsafeMutablePointer<Float>) throws -> Void = { i, slot in
            slot.update(from: source + (i % batch) * 224 * 224 * 3, count: 224 * 224 * 3)
        }
        try runner.run(0..<(streams * batch), load: load, output: out.pointer)  // warm-up
        let t = try bestTime(repeats: 2) { try runner.run(0..<images, load: load, output: out.pointer) }
        return Double(images) / t
    }

    /// The bf16 trunk: `streams` streams of `batch`, each with `threadsPerStream` oneDNN threads.
    func bf16Rate(streams: Int, batch: Int, threadsPerStream: Int, images: Int) throws -> Double {
        let engine = try BF16ResNet50(network: network, batch: batch, imageSize: 224, threadsPerStream: threadsPerStream)
        let runner = try TrunkRunner(engine: engine, network: network, streams: streams, batchPerStream: batch, imageSize: 224)
        let input = Self.randomImages(batch)
        let out = FloatBuffer(count: images * ResNet50Layout.featureCount)
        nonisolated(unsafe) let source = input.pointer
        let load: @Sendable (Int, UnsafeMutablePointer<Float>) throws -> Void = { i, slot in
            slot.update(from: source + (i % batch) * 224 * 224 * 3, count: 224 * 224 * 3)
        }
        try runner.run(0..<(streams * batch), load: load, output: out.pointer)  // warm-up
        let t = try bestTime(repeats: 2) { try runner.run(0..<images, load: load, output: out.pointer) }
        return Double(images) / t
    }

    /// One stream with an OpenBLAS-threaded GEMM.
    func threadedRate(threads: Int, batch: Int, images: Int) -> Double {
        BLAS.setThreads(threads)
        defer { BLAS.setThreads(1) }
        let ws = ResNet50.Workspace(n: batch, patchChunkBytes: patchChunkBytes)
        let input = Self.randomImages(batch)
        let out = FloatBuffer(count: batch * ResNet50Layout.featureCount)
        network.forward(input.pointer, workspace: ws, features: out.pointer, threads: threads)
        let passes = max(1, images / batch)
        let t = bestTime(repeats: 2) {
            for _ in 0..<passes { network.forward(input.pointer, workspace: ws, features: out.pointer, threads: threads) }
        }
        return Double(passes * batch) / t
    }

    /// Per-layer and per-kernel time of one stream (1 thread), with each layer's GFLOP/s.
    func layerProfile(batch: Int) -> (layers: [(String, Double, Double)], kernels: [(String, Double)], total: Double) {
        BLAS.setThreads(1)
        let ws = ResNet50.Workspace(n: batch, patchChunkBytes: patchChunkBytes)
        let input = Self.randomImages(batch)
        let out = FloatBuffer(count: batch * ResNet50Layout.featureCount)
        network.forward(input.pointer, workspace: ws, features: out.pointer)
        let layers = Profiler(), kernels = Profiler()
        let t0 = now()
        for _ in 0..<2 { network.forward(input.pointer, workspace: ws, features: out.pointer, profiler: layers, kernelProfiler: kernels) }
        let total = now() - t0
        let flops = Self.layerFLOPs(batch: batch * 2)
        // Group the 16 blocks by stage and kind: "layer2 conv2 3x3" etc.
        let rows = layers.order.map { name in (name, (layers.seconds[name] ?? 0) / total, (flops[name] ?? 0) / max(1e-12, layers.seconds[name] ?? 0) / 1e9) }
        let kernelRows = kernels.order.map { ($0, (kernels.seconds[$0] ?? 0) / total) }
        return (rows, kernelRows, total)
    }

    static func layerFLOPs(batch: Int) -> [String: Double] {
        var flops: [String: Double] = ["conv1": Double(batch * 112 * 112 * 147 * 64 * 2)]
        var h = 56
        for (i, b) in ResNet50Layout.bottlenecks.enumerated() {
            let name = ResNet50.stageName(i)
            let oh = b.conv2.stride == 2 ? h / 2 : h
            flops["\(name) conv1 1x1", default: 0] += Double(batch * h * h * b.conv1.inChannels * b.conv1.outChannels * 2)
            flops["\(name) conv2 3x3", default: 0] += Double(batch * oh * oh * 9 * b.conv2.inChannels * b.conv2.outChannels * 2)
            flops["\(name) conv3 1x1", default: 0] += Double(batch * oh * oh * b.conv3.inChannels * b.conv3.outChannels * 2)
            if let d = b.downsample { flops["\(name) downsample", default: 0] += Double(batch * oh * oh * d.inChannels * d.outChannels * 2) }
            h = oh
        }
        return flops
    }
}
