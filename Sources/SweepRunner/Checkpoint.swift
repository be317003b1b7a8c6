import Foundation
import SweepData
import SweepCore
import SweepModels
import SweepTensor
import SweepTrain
import SweepVision

/// Everything needed to use a trained head, stored as `model.json` beside `head.safetensors`
/// (PyTorch `nn.Sequential` key names, so the head also loads into PyTorch).
public struct ModelCard: Codable, Sendable {
    /// `sweep-head-v1`.
    public var format = "sweep-head-v1"
    /// Class names, in the order of the head's outputs.
    public var classNames: [String]
    /// A class is predicted when its probability is > threshold.
    public var threshold: Double
    /// sigmoid (multi-label) or softmax (single-label losses).
    public var scores: ScoreActivation
    /// The head's shape.
    public var head: SweepTrain.HeadConfig
    /// The trunk: `resnet50`, where its weights came from and their identity.
    public var trunk: Trunk
    /// The image preprocessing the trunk features were computed with.
    public var preprocessing: Preprocessing
    /// The trial this head comes from, its swept parameters and best epoch's metrics.
    public var trial: TrialInfo
    /// The head as PyTorch builds it (nil in cards written before it was recorded).
    public var pytorch: PyTorchLayout? = nil
    /// Per-class thresholds (class order) when they were given (`train.threshold: [..]`) or
    /// tuned (`train.threshold: tune`); they replace `threshold`. Nil: every class uses `threshold`.
    public var thresholds: [Double]? = nil
    /// How this model was chosen, written on the chosen model (`best/`) at the end of a sweep.
    public var selection: Selection? = nil

    /// The threshold of each class: `thresholds` when tuned, else `threshold` for all.
    public var classThresholds: [Double] {
        if let thresholds, thresholds.count == classNames.count { return thresholds }
        return Array(repeating: threshold, count: classNames.count)
    }

    /// How the chosen model was chosen and how it did.
    public struct Selection: Codable, Sendable, Equatable {
        /// `refit` (trained again on every non-test row) or `best_run` (the configuration's best run).
        public var model: String
        /// The configuration's id.
        public var configuration: String
        /// The objective's label, e.g. `val f1_samples`.
        public var objective: String
        /// Runs the statistics are over.
        public var runs: Int
        /// Mean objective over them.
        public var mean: Double?
        /// Its standard deviation (ddof 1; nil for one run).
        public var sd: Double?
        /// Epochs of the refit (its configuration's mean kept epoch count, rounded, or as many as its
        /// runs' mean optimiser step count needs with a per-batch schedule).
        public var refitEpochs: Int?
        /// Optimiser steps of the refit when its schedule steps per batch (its runs' mean count).
        public var refitSteps: Int?
        /// This model's metrics on the held-out test split at its thresholds (nil: no test split).
        public var test: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case model, configuration, objective, runs, mean, sd, test
            case refitEpochs = "refit_epochs"
            case refitSteps = "refit_steps"
        }
    }

    /// The head's exact PyTorch layout: `nn.Sequential` modules by index (the keys of
    /// `head.safetensors`), a Python expression building it, and how outputs become labels.
    public struct PyTorchLayout: Codable, Sendable {
        /// `"0: Linear(in_features=2048, out_features=1024, bias=True)"`, ..., in index order.
        public var modules: [String]
        /// `nn.Sequential(nn.Linear(...), ...)` with `nn` = `torch.nn`.
        public var sequential: String
        /// What to apply to the logits, e.g. `torch.sigmoid(logits) > threshold`.
        public var output: String

        /// The layout of `head`, whose logits become scores by `scores`.
        public init(head: SweepTrain.HeadConfig, scores: ScoreActivation) {
            modules = head.pytorchModules.enumerated().map { "\($0): \($1)" }
            sequential = head.pytorchSequential
            output = scores == .softmax ? "torch.softmax(logits, dim=1) > threshold" : "torch.sigmoid(logits) > threshold"
        }
    }

    /// The frozen trunk a head was trained on.
    public struct Trunk: Codable, Sendable {
        /// `resnet50`.
        public var name: String
        /// What `sweep` was given: `imagenet`, `random:0` or a path.
        public var weights: String
        /// `sha256:<hex>` of the weights file or `random:<seed> init-v1`.
        public var identity: String
    }

    /// Where the head came from.
    public struct TrialInfo: Codable, Sendable {
        /// The trial's id.
        public var id: String
        /// The sweep's name.
        public var sweep: String
        /// The trial's swept values by parameter name.
        public var parameters: [String: SweptValue]
        /// The epoch whose weights these are.
        public var bestEpoch: Int?
        /// Validation loss and metrics at that epoch.
        public var validation: [String: Double]
        /// Describes the data the head was trained on (says when it was synthetic).
        public var data: String
    }
}

/// Reading and writing head checkpoints.
public enum Checkpoint {
    /// The head's weights in a checkpoint folder.
    public static let weightsFile = "head.safetensors"
    /// The model card in a checkpoint folder.
    public static let cardFile = "model.json"

    /// Writes a checkpoint folder atomically: into `<path>.partial-<pid>`, then renamed to `path`;
    /// with the chosen epoch's validation scores when given.
    public static func write(state: [String: Tensor], card: ModelCard, validation: ValidationScores? = nil,
                             to path: String) throws {
        let fm = FileManager.default
        let tmp = "\(path).partial-\(getpid())"
        try? fm.removeItem(atPath: tmp)
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        try Safetensors.write(state, metadata: ["format": card.format], to: tmp + "/" + weightsFile)
        try DurableFiles.writeAtomically(try WorkerCodec.encoder(pretty: true).encode(card), to: tmp + "/" + cardFile)
        try validation?.write(into: tmp)
        if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
        guard rename(tmp, path) == 0 else {
            throw FileError(path: path, reason: "rename: \(String(cString: strerror(errno)))")
        }
        try DurableFiles.syncDirectory(URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// Reads a checkpoint folder (or the `best` link to one).
    public static func read(_ path: String) throws -> (card: ModelCard, head: Head) {
        let card = try readCard(path)
        let (tensors, _) = try Safetensors.read(path: path + "/" + weightsFile)
        return (card, try Head(config: card.head, state: tensors))
    }

    /// Reads the model card of a checkpoint folder.
    public static func readCard(_ path: String) throws -> ModelCard {
        let cardPath = path + "/" + cardFile
        guard let data = FileManager.default.contents(atPath: cardPath) else {
            throw FileError(path: cardPath, reason: "no model card here; is this a sweep checkpoint folder (e.g. results/<name>/best)?")
        }
        let card: ModelCard
        do {
            card = try WorkerCodec.decoder().decode(ModelCard.self, from: data)
        } catch {
            throw FileError(path: cardPath, reason: "not a model card: \(error)")
        }
        return card
    }
}
