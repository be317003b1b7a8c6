import ArgumentParser
import Foundation
import SweepCSV
import SweepData
import SweepFeatureCache
import SweepModels
import SweepRunner
import SweepTensor

/// `sweep predict --model DIR IMAGE...`: labels and per-class probabilities from a saved head.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict labels of images with a trained head (e.g. results/<name>/best).",
        discussion: """
            Prints CSV (RFC 4180, a header first): path, the predicted labels (separated by ';'), \
            then one probability column p_<class> per class. Runs the frozen trunk with the weights \
            the head was trained on. IMAGE may be a JPEG or PNG file or a folder (searched \
            recursively for .jpg, .jpeg and .png, sorted). An image that cannot be read is reported \
            on stderr and skipped; the exit status is then 1, after the other images' rows. \
            With --features, the trunk is not run: the head is applied to features as \
            `sweep embed` writes them (.npy rows named row:<i>, or its CSV).
            """)

    @Option(help: "A checkpoint folder: results/<name>/best or results/<name>/checkpoints/<id>.")
    var model: String

    @Option(help: "Trunk weights, when they are not where the model card says (imagenet, random:SEED or a file).")
    var weights: String?

    @Option(help: ArgumentHelp("Trunk features instead of images: a .npy or CSV file from `sweep embed` "
                               + "(made with the weights the head was trained on).", valueName: "file"))
    var features: String?

    @Argument(help: "JPEG or PNG images, or folders of them.")
    var images: [String] = []

    func run() throws {
        try runReportingErrors {
            let (card, head) = try Checkpoint.read(model)
            let thresholds = card.classThresholds   // tuned per class, or the card's one threshold
            let csv = CSVWriter(header: ["path", "labels"] + card.classNames.map { "p_" + $0 })
            /// The output rows of a batch: (rows, classes) probabilities, labels above their class's threshold.
            func lines(_ names: [String], _ probabilities: [Double]) -> String {
                let classes = card.classNames.count
                var text = ""
                for (i, name) in names.enumerated() {
                    let p = (0..<classes).map { probabilities[i * classes + $0] }
                    let labels = (0..<classes).filter { p[$0] > thresholds[$0] }.map { card.classNames[$0] }
                    text += csv.line([name, labels.joined(separator: ";")] + p.map { String(format: "%.6f", $0) })
                }
                return text
            }
            if let features {
                guard images.isEmpty else { throw CommandError("give images or --features, not both") }
                let input = try PredictFeatures.read(features, columns: card.head.inputWidth)
                let probabilities = input.values.withUnsafeBufferPointer { x -> [Double] in
                    guard let base = x.baseAddress else { return [] }   // no rows
                    return head.probabilities(features: base, rows: input.rows, activation: card.scores)
                }
                FileHandle.standardOutput.write(Data((csv.headerLine + lines(input.names, probabilities)).utf8))
                return
            }
            guard !images.isEmpty else { throw CommandError("no images given (or --features FILE)") }
            let source = try WeightsSource(parsing: weights ?? card.trunk.weights)
            let identity: String
            do {
                identity = try source.identity()
            } catch let error as WeightsError {
                throw CommandError("this head was trained on the trunk weights \(card.trunk.weights) (identity "
                                   + "\(card.trunk.identity)), which cannot be read here: \(error); pass --weights with that file")
            }
            guard identity == card.trunk.identity else {
                let given = weights.map { "--weights \($0) gives" } ?? "\(card.trunk.weights) here gives"
                throw CommandError("this head was trained on the trunk weights \(card.trunk.weights) (identity \(card.trunk.identity)), "
                                   + "but \(given) \(identity); run with --weights \(card.trunk.weights)"
                                   + (card.trunk.identity.hasPrefix("sha256:") ? " (a file with that SHA-256)" : ""))
            }
            let (paths, missing) = ImageInputs.expand(images)
            let bad = BadImages()
            for (path, reason) in missing { bad.report(path, reason) }
            let extractor = try TrunkFeatureExtractor.load(source, identity: identity, preprocessing: card.preprocessing,
                                                           streams: ProcessInfo.processInfo.activeProcessorCount)
            FileHandle.standardOutput.write(Data(csv.headerLine.utf8))
            try extractor.forEachBatch(of: paths, failed: { path, error in bad.report(path, error.reason) }) { batch, features in
                // (batch.count, classes)
                let probabilities = head.probabilities(features: features, rows: batch.count, activation: card.scores)
                FileHandle.standardOutput.write(Data(lines(batch, probabilities).utf8))
            }
            try bad.finish(of: paths.count + missing.count)
        }
    }
}
