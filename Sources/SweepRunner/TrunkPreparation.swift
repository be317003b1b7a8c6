import Foundation
import SweepCore
import SweepData
import SweepFeatureCache
import SweepDNNL
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

/// Resolving `backbone.weights` into the weights actually used.
public enum TrunkPreparation {
    /// Resolves `backbone.weights`; falls back to random weights (saying so) when the ImageNet
    /// file is absent and `backbone.fallback` is `random`, and otherwise stops with an error
    /// that says where it looked and how to ask for the fallback.
    ///   - location: `file:line:col: ` of `backbone.weights` in the sweep file, put before the error.
    /// Refuses `backbone.precision: bf16` first on a machine that cannot run it.
    public static func prepare(_ spec: BackboneSpec, seed: UInt64 = 0, location: String = "",
                               log: (String) -> Void) throws -> PreparedTrunk {
        if spec.precision == .bf16, let refusal = bf16Refusal() {
            throw FileError(path: "backbone.precision", reason: refusal)
        }
        let source: WeightsSource
        switch spec.weights {
        case .imagenet: source = .imagenet
        case .random(let s): source = .random(seed: s)
        case .file(let path): source = .file(path)
        }
        do {
            let identity = try source.identity()
            let where_ = (try? source.resolvedPath()).flatMap { $0 } ?? source.description
            return PreparedTrunk(source: source, identity: identity, description: "ResNet50 weights \(source)" + (where_ == source.description ? "" : " (\(where_))"))
        } catch let error as WeightsError {
            guard case .notFound = error, case .imagenet = source else { throw error }
            guard spec.fallback == .random else {
                throw FileError(path: location + "backbone.weights", reason: "\(error). To train on random trunk weights instead "
                                + "(much weaker features), set backbone.fallback: random or backbone.weights: random")
            }
            let fallback = WeightsSource.random(seed: seed)
            log("ImageNet weights not found: \(error). Using RANDOM trunk weights (\(fallback)) instead; "
                + "features of a random trunk are much weaker than ImageNet's. Results will say so.")
            return PreparedTrunk(source: fallback, identity: try fallback.identity(),
                                 description: "RANDOM ResNet50 weights (\(fallback)): ImageNet weights were not found")
        }
    }
}

extension TrunkPreparation {
    /// Why bf16 cannot run on this machine, or nil when it can.
    public static func bf16Refusal(_ support: BF16Support = .current) -> String? {
        do {
            try support.require()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Whether `prepare` will find the weights, without reading them (for `sweep validate` and
    /// `--dry-run`): an error when the ImageNet file is missing and there is no fallback, a
    /// warning when the fallback will be used.
    /// An error too for `backbone.precision: bf16` on a machine that cannot run it.
    public static func check(_ spec: BackboneSpec, location: String = "") -> (error: String?, warning: String?) {
        if spec.precision == .bf16, let refusal = bf16Refusal() { return ("backbone.precision: \(refusal)", nil) }
        guard case .imagenet = spec.weights else { return (nil, nil) }
        do {
            _ = try WeightsSource.imagenet.resolvedPath()
            return (nil, nil)
        } catch {
            if spec.fallback == .random {
                return (nil, "\(error). backbone.fallback is random: the run will use RANDOM trunk weights")
            }
            return ("\(location)backbone.weights: \(error). To train on random trunk weights instead (much weaker features), "
                    + "set backbone.fallback: random or backbone.weights: random", nil)
        }
    }
}

/// A `FeatureExtractor` that loads the weights and builds the trunk only when the feature
/// cache misses, so a cached run never reads the 100 MB weights file twice.
public final class LazyTrunkExtractor: FeatureExtractor, @unchecked Sendable {
    let trunk: PreparedTrunk
    let preprocessing: Preprocessing
    let streams: Int
    let precision: TrunkPrecision
    private var built: TrunkFeatureExtractor?
    /// 2048 pooled features per image.
    public let featureCount = ResNet50Layout.featureCount
    /// Images per committed cache batch.
    public let batchSize = 64

    /// An extractor for `trunk` that builds the network on first use.
    public init(trunk: PreparedTrunk, preprocessing: Preprocessing = .imagenet, streams: Int,
                precision: TrunkPrecision = .fp32) {
        self.trunk = trunk
        self.preprocessing = preprocessing
        self.streams = streams
        self.precision = precision
    }

    /// The features' identity (weights and preprocessing), known without loading anything.
    public var identity: String {
        TrunkFeatureExtractor.identity(weights: trunk.identity, preprocessing: preprocessing, precision: precision)
    }

    /// - Parameter output: (paths.count, 2048) features, in path order.
    public func extract(paths: [String], into output: UnsafeMutablePointer<Float>) throws {
        if built == nil {
            built = try TrunkFeatureExtractor.load(trunk.source, identity: trunk.identity, preprocessing: preprocessing,
                                                   streams: streams, batchSize: batchSize, precision: precision)
        }
        try built?.extract(paths: paths, into: output)
    }
}

/// What a feature-extraction shard task on another machine needs to build the same extractor
/// (`FeatureRequest.recipe`): the weights as `WeightsSource` parses them, their identity (so
/// the file is not hashed again on every node) and the preprocessing.
public struct ShardRecipe: Codable, Sendable, Equatable {
    /// `imagenet`, `random:<seed>` or a path.
    public var weights: String
    /// `sha256:<hex>` or `random:<seed> init-v1`.
    public var weightsIdentity: String
    /// The image preprocessing.
    public var preprocessing: Preprocessing
    /// bf16, or nil for fp32 (left out of the JSON).
    public var precision: TrunkPrecision?

    /// A recipe from its parts.
    public init(weights: String, weightsIdentity: String, preprocessing: Preprocessing, precision: TrunkPrecision = .fp32) {
        self.weights = weights
        self.weightsIdentity = weightsIdentity
        self.preprocessing = preprocessing
        self.precision = precision == .fp32 ? nil : precision
    }

    /// JSON text.
    public func json() throws -> String { try WorkerCodec.encode(self) }

    /// Reads `json()`'s output.
    public init(json: String) throws { self = try WorkerCodec.decode(ShardRecipe.self, from: json) }

    /// The extractor this recipe describes, with `streams` parallel trunk streams.
    public func extractor(streams: Int) throws -> LazyTrunkExtractor {
        let source = try WeightsSource(parsing: weights)
        let trunk = PreparedTrunk(source: source, identity: weightsIdentity, description: "ResNet50 weights \(weights)")
        return LazyTrunkExtractor(trunk: trunk, preprocessing: preprocessing, streams: streams, precision: precision ?? .fp32)
    }
}
