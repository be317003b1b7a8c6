import ArgumentParser
import Foundation
import SweepData
import SweepModels
import SweepRunner
import SweepTensor

/// `sweep predict --model DIR IMAGE...`: labels and per-class probabilities from a saved head.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict labels of images with a trained head (e.g. results/<name>/best).",
        discussion: """
            Prints CSV: path, the predicted labels (separated by ';'), then one probability \
            column per class. Runs the frozen trunk with the weights the head was trained on.
            """)

    @Option(help: "A checkpoint folder: results/<name>/best or results/<name>/checkpoints/<id>.")
    var model: String

    @Option(help: "Trunk weights, when they are not where the model card says (imagenet, random:SEED or a file).")
    var weights: String?

    @Argument(help: "JPEG images.")
    var images: [String]

    func run() throws {
        try runReportingErrors {
            guard !images.isEmpty else { throw CommandError("no images given") }
            let (card, head) = try Checkpoint.read(model)
            let source = try WeightsSource(parsing: weights ?? card.trunk.weights)
            let identity = try source.identity()
            guard identity == card.trunk.identity else {
                throw CommandError("trunk weights \(source) (\(identity)) are not the ones the head was trained on (\(card.trunk.identity)); pass --weights")
            }
            let extractor = try TrunkFeatureExtractor.load(source, identity: identity, preprocessing: card.preprocessing,
                                                           streams: ProcessInfo.processInfo.activeProcessorCount)
            let classes = card.classNames.count
            print((["path", "labels"] + card.classNames.map { "p_" + $0 }).joined(separator: ","))
            try extractor.forEachBatch(of: images) { batch, features in
                // (batch.count, classes)
                let probabilities = head.probabilities(features: features, rows: batch.count, activation: card.scores)
                for (i, path) in batch.enumerated() {
                    let p = (0..<classes).map { probabilities[i * classes + $0] }
                    let labels = (0..<classes).filter { p[$0] > card.threshold }.map { card.classNames[$0] }
                    print(([path, labels.joined(separator: ";")] + p.map { String(format: "%.6f", $0) }).joined(separator: ","))
                }
            }
        }
    }
}
