import Foundation
import SweepData
import SweepDNNL
import SweepModels
import SweepTensor
import SweepVision

/// The real `FeatureExtractor`: the JPEG pipeline (decode, Pillow resize, normalise) and the
/// frozen ResNet50 trunk in eval mode, run by `TrunkRunner` on parallel streams.
public final class TrunkFeatureExtractor: FeatureExtractor, @unchecked Sendable {
    /// Runs the trunk on `preprocessing.size`-square images.
    public let runner: TrunkRunner
    /// Decode, resize and normalise applied to each image before the trunk.
    public let preprocessing: Preprocessing
    /// Identity of the weights (`sha256:<hex>` of the file, or `random:<seed>`).
    public let weightsIdentity: String
    /// Values per image: the trunk's pooled features (2048).
    public let featureCount = ResNet50Layout.featureCount
    /// Images per cache batch (progress is committed after each).
    public let batchSize: Int

    /// An extractor over `network` with `preprocessing` (any image size: the trunk is fully
    /// convolutional up to its global pool).
    ///
    /// - Parameters:
    ///   - weightsIdentity: `sha256:<hex>` of the weights file or `random:<seed>`, for `identity`.
    ///   - streams: parallel trunk streams (normally the number of cores).
    ///   - batchSize: images per committed cache batch.
    public init(network: ResNet50, weightsIdentity: String, preprocessing: Preprocessing = .imagenet,
                streams: Int, batchSize: Int = 64) {
        runner = TrunkRunner(network: network, streams: streams, imageSize: preprocessing.size)
        self.preprocessing = preprocessing
        self.weightsIdentity = weightsIdentity
        self.batchSize = batchSize
    }

    /// An extractor computing in `precision`: fp32 as above, or the bf16 trunk (`BF16ResNet50`,
    /// its weights converted here).
    /// - Throws: `DNNLError` when bf16 cannot run here (no AVX-512 BF16) or oneDNN refuses it.
    public init(network: ResNet50, weightsIdentity: String, preprocessing: Preprocessing = .imagenet,
                streams: Int, batchSize: Int = 64, precision: TrunkPrecision) throws {
        switch precision {
        case .fp32:
            runner = TrunkRunner(network: network, streams: streams, imageSize: preprocessing.size)
        case .bf16:
            let perStream = 8
            let engine = try BF16ResNet50(network: network, batch: perStream, imageSize: preprocessing.size)
            runner = try TrunkRunner(engine: engine, network: network, streams: streams, batchPerStream: perStream,
                                     imageSize: preprocessing.size)
        }
        self.preprocessing = preprocessing
        self.weightsIdentity = weightsIdentity
        self.batchSize = batchSize
    }

    /// What the features are computed in.
    public var precision: TrunkPrecision { TrunkPrecision(rawValue: runner.precision) ?? .fp32 }

    /// Loads `source`'s weights (hashing the file for the identity unless `identity` is given)
    /// and builds the extractor.
    /// - Throws: `WeightsError` naming the file and key at fault.
    /// - Throws: `DNNLError` for a `precision` this machine cannot run (checked before the weights are read).
    public static func load(_ source: WeightsSource, identity: String? = nil, preprocessing: Preprocessing = .imagenet,
                            streams: Int, batchSize: Int = 64, precision: TrunkPrecision = .fp32) throws -> TrunkFeatureExtractor {
        if precision == .bf16 { try BF16Support.current.require() }
        let (stateDict, origin) = try source.stateDict()
        let network = try ResNet50(weights: stateDict, file: origin)
        return try TrunkFeatureExtractor(network: network, weightsIdentity: try identity ?? source.identity(),
                                         preprocessing: preprocessing, streams: streams, batchSize: batchSize,
                                         precision: precision)
    }

    /// Runs the trunk over `paths` in batches of `batchSize` (bounded memory), handing each
    /// batch's paths and features to `body` in order.
    ///
    /// - Parameter body: receives a batch's paths and its (batch.count, featureCount) features,
    ///   valid only during the call.
    public func forEachBatch(of paths: [String],
                             _ body: (ArraySlice<String>, UnsafePointer<Float>) throws -> Void) throws {
        let features = FloatBuffer(count: batchSize * featureCount)  // (batchSize, featureCount)
        for start in stride(from: 0, to: paths.count, by: batchSize) {
            let batch = paths[start..<min(paths.count, start + batchSize)]
            try extract(paths: Array(batch), into: features.pointer)
            try body(batch, features.pointer)
        }
    }

    /// Like `forEachBatch(of:_:)`, but an image that cannot be read or decoded is handed to
    /// `failed` with its error and left out, and the others go on (for `predict` and `embed`,
    /// where one bad file must not cost the good ones their output).
    ///
    /// - Parameters:
    ///   - failed: receives each bad path and why, in path order, before its batch's body.
    ///   - body: receives a batch's readable paths and their (paths.count, featureCount) features.
    public func forEachBatch(of paths: [String], failed: (String, ImageError) -> Void,
                             _ body: ([String], UnsafePointer<Float>) throws -> Void) throws {
        let features = FloatBuffer(count: batchSize * featureCount)  // (batchSize, featureCount)
        let preprocessing = self.preprocessing
        for start in stride(from: 0, to: paths.count, by: batchSize) {
            let batch = Array(paths[start..<min(paths.count, start + batchSize)])
            let errors = LockedSlots<ImageError>(count: batch.count)
            let values = preprocessing.valuesPerImage
            try runner.run(0..<batch.count, load: { i, slot in
                do throws(ImageError) {
                    try preprocessing.load(batch[i], into: slot)
                } catch {
                    errors.set(i, error)
                    slot.update(repeating: 0, count: values)
                }
            }, output: features.pointer)
            // Keep the readable rows, moved up in place. (kept, featureCount)
            var kept: [String] = []
            for (i, path) in batch.enumerated() {
                if let error = errors[i] {
                    failed(path, error)
                    continue
                }
                if kept.count != i {
                    (features.pointer + kept.count * featureCount).update(from: features.pointer + i * featureCount, count: featureCount)
                }
                kept.append(path)
            }
            if !kept.isEmpty { try body(kept, features.pointer) }
        }
    }

    /// Everything besides the image bytes that determines the features. `trunk-eval-v1` names
    /// this implementation's semantics (eval-mode BatchNorm folded, pooled 2048 features); a
    /// precision other than fp32 is appended (so fp32 features keep the cache keys they had).
    public var identity: String { Self.identity(weights: weightsIdentity, preprocessing: preprocessing, precision: precision) }

    /// The identity of features from these weights, preprocessing and precision.
    public static func identity(weights: String, preprocessing: Preprocessing, precision: TrunkPrecision = .fp32) -> String {
        "resnet50 trunk-eval-v1 | weights \(weights) | preprocessing \(preprocessing.identity)"
            + (precision == .fp32 ? "" : " | precision \(precision.rawValue)")
    }

    /// Features of the JPEG files at `paths`.
    ///
    /// - Parameter output: (paths.count, featureCount) features, in path order.
    /// - Throws: the first `ImageError` of a file that cannot be read or decoded.
    public func extract(paths: [String], into output: UnsafeMutablePointer<Float>) throws {
        let preprocessing = self.preprocessing
        try runner.run(0..<paths.count, load: { i, slot in try preprocessing.load(paths[i], into: slot) },
                       output: output)
    }
}

