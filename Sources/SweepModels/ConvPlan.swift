import SweepTensor

/// How one convolution runs.
public enum ConvAlgorithm: String, Sendable, CaseIterable {
    /// Patches gathered (`im2col`) and one GEMM: every convolution.
    case im2col
    /// Winograd F(2x2, 3x3): 3x3 stride-1 padding-1 convolutions only.
    case winograd2 = "winograd-f2"
    /// Winograd F(4x4, 3x3): 3x3 stride-1 padding-1 convolutions only.
    case winograd4 = "winograd-f4"

    /// The Winograd tile, nil for im2col.
    public var tile: WinogradTile? {
        switch self {
        case .im2col: nil
        case .winograd2: .f2
        case .winograd4: .f4
        }
    }
}

/// Which algorithm each 3x3 stride-1 convolution of ResNet50 runs, by its channel count (which
/// names its stage: 64 layer1, 128 layer2, 256 layer3, 512 layer4); every other convolution
/// (and any count not listed) runs im2col.
public struct ConvPlan: Sendable, Hashable, CustomStringConvertible {
    /// Algorithm per input channel count of a 3x3 stride-1 convolution.
    public var byChannels: [Int: ConvAlgorithm]

    /// A plan from its table.
    public init(_ byChannels: [Int: ConvAlgorithm]) { self.byChannels = byChannels }

    /// Every convolution as im2col + GEMM (the code before Winograd; kept tested).
    public static let im2col = ConvPlan([:])

    /// The same algorithm for every 3x3 stride-1 convolution.
    public static func all(_ algorithm: ConvAlgorithm) -> ConvPlan {
        ConvPlan(Dictionary(uniqueKeysWithValues: [64, 128, 256, 512].map { ($0, algorithm) }))
    }

    /// The committed table: per stage, the fastest algorithm measured by `make bench` ("3x3
    /// stride-1 convolutions: im2col vs Winograd", one stream of batch 8 on one core, 224x224
    /// images) on the development machine (2-core AMD EPYC with AVX-512, OpenBLAS 0.3.21). A
    /// table rather than a timing at load keeps features bit-for-bit the same from run to run;
    /// the bench prints the measured choice beside this one.
    public static let measured = ConvPlan([64: .winograd4, 128: .winograd4, 256: .winograd4, 512: .winograd4])

    /// The algorithm for a convolution of this layout.
    public func algorithm(for conv: ResNet50Layout.ConvBN) -> ConvAlgorithm {
        guard conv.kernel == 3, conv.stride == 1, conv.padding == 1 else { return .im2col }
        return byChannels[conv.inChannels] ?? .im2col
    }

    public var description: String {
        [64, 128, 256, 512].map { "\($0): \(byChannels[$0]?.rawValue ?? "im2col")" }.joined(separator: ", ")
    }
}
