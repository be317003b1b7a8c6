import Foundation
import SweepModels
import SweepTensor

/// The 3x3 stride-1 convolutions of ResNet50, one of each stage, timed with each algorithm
/// (one stream of `batch` 224x224 images on one core, as `TrunkRunner` runs them): the
/// measurement behind `ConvPlan.measured`.
struct ConvBench {
    struct Row {
        let stage: String
        let channels: Int, size: Int
        /// Seconds per pass by algorithm.
        let seconds: [ConvAlgorithm: Double]
        var fastest: ConvAlgorithm { seconds.min { $0.value < $1.value }?.key ?? .im2col }
    }

    static func run(batch: Int = 8) throws -> [Row] {
        BLAS.setThreads(1)
        let weights = RandomInit.resnet50(seed: 0)
        // The second block of each stage (the first of layer1): stride 1, at the stage's size.
        let picks = [(0, 56), (4, 28), (8, 14), (14, 7)]
        return try picks.map { index, size in
            let layout = ResNet50Layout.bottlenecks[index].conv2
            let base = try FoldedConv(layout: layout, from: weights, file: "random:0")
            let c = layout.inChannels
            let input = FloatBuffer(count: batch * size * size * c)  // (batch, size, size, c)
            for i in 0..<input.count { input.pointer[i] = Float((i * 7919) % 1000) / 1000 }
            let output = FloatBuffer(count: batch * size * size * layout.outChannels)  // (batch, size, size, cout)
            var scratchCount = batch * size * size * 9 * c
            for tile in [WinogradTile.f2, .f4] {
                scratchCount = max(scratchCount, Winograd.scratchCount(n: batch, h: size, w: size, inChannels: c,
                                                                       outChannels: layout.outChannels, tile: tile,
                                                                       chunkBytes: Winograd.defaultChunkBytes))
            }
            let scratch = FloatBuffer(count: scratchCount)
            var seconds: [ConvAlgorithm: Double] = [:]
            for algorithm in ConvAlgorithm.allCases {
                let conv = base.using(algorithm)
                let pass = {
                    _ = conv(input.pointer, n: batch, h: size, w: size, output: output.pointer, scratch: scratch.pointer,
                             relu: true, threads: 1)
                }
                pass()
                seconds[algorithm] = bestTime(repeats: 5, pass)
            }
            return Row(stage: ResNet50.stageName(index), channels: c, size: size, seconds: seconds)
        }
    }

    /// Direct-convolution GFLOP of one pass (2 x 9 x Cin x Cout per output pixel).
    static func gflop(_ row: Row, batch: Int = 8) -> Double {
        2 * 9 * Double(row.channels * row.channels * row.size * row.size * batch) / 1e9
    }
}
