import Foundation
import SweepCore
import SweepData
import SweepModels
import SweepVision

/// The trunk weights a sweep uses, with the ImageNet-to-random fallback made explicit.
public struct PreparedTrunk: Sendable {
    /// What is actually used: `imagenet`, `random:0` or a path.
    public var source: WeightsSource
    /// `sha256:<hex>` or `random:<seed> init-v1`.
    public var identity: String
    /// A sentence for logs and results, e.g. says when random weights replaced ImageNet's.
    public var description: String
}

public enum TrunkPreparation {
    /// Resolves `backbone.weights`; falls back to random weights (saying so) when the ImageNet
    /// file is absent and `backbone.fallback` is `random`.
    public static func prepare(_ spec: BackboneSpec, seed: UInt64 = 0, log: (String) -> Void) throws -> PreparedTrunk {
        let source: WeightsSource
        switch spec.weights {
        case .imagenet: source = .imagenet
        case .random: source = .random(seed: seed)
        case .file(let path): source = .file(path)
        }
        do {
            let identity = try source.identity()
            let where_ = (try? source.resolvedPath()).flatMap { $0 } ?? source.description
            return PreparedTrunk(source: source, identity: identity, description: "ResNet50 weights \(source) (\(where_))")
        } catch let error as WeightsError {
            guard case .notFound = error, case .imagenet = source, spec.fallback == .random else { throw error }
            let fallback = WeightsSource.random(seed: seed)
            log("ImageNet weights not found: \(error). Using RANDOM trunk weights (\(fallback)) instead; "
                + "features of a random trunk are much weaker than ImageNet's. Results will say so.")
            return PreparedTrunk(source: fallback, identity: try fallback.identity(),
                                 description: "RANDOM ResNet50 weights (\(fallback)): ImageNet weights were not found")
        }
    }
}

/// A `FeatureExtractor` that loads the weights and builds the trunk only when the feature
/// cache misses, so a cached run never reads the 100 MB weights file twice.
public final class LazyTrunkExtractor: FeatureExtractor, @unchecked Sendable {
    let trunk: PreparedTrunk
    let preprocessing: Preprocessing
    let streams: Int
    private var built: TrunkFeatureExtractor?
    public let featureCount = ResNet50Layout.featureCount
    public let batchSize = 64

    public init(trunk: PreparedTrunk, preprocessing: Preprocessing = .imagenet, streams: Int) {
        self.trunk = trunk
        self.preprocessing = preprocessing
        self.streams = streams
    }

    public var identity: String {
        TrunkFeatureExtractor.identity(weights: trunk.identity, preprocessing: preprocessing)
    }

    public func extract(paths: [String], into output: UnsafeMutablePointer<Float>) throws {
        if built == nil {
            let (stateDict, origin) = try trunk.source.stateDict()
            let network = try ResNet50(weights: stateDict, file: origin)
            built = TrunkFeatureExtractor(network: network, weightsIdentity: trunk.identity,
                                          preprocessing: preprocessing, streams: streams, batchSize: batchSize)
        }
        try built?.extract(paths: paths, into: output)
    }
}
