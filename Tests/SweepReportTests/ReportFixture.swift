import Foundation
import SweepCore
import SweepData
@testable import SweepReport
@testable import SweepRunner
import SweepTrain
import XCTest

/// A hand-made results folder in a temporary directory: a 2-parameter grid (lr x depth, 6
/// configurations) whose trials ended complete, pruned, diverged and failed, a context with
/// targets and split, ABOUT.txt, and `best/` with validation scores.
struct ReportFixture {
    static let classes = ["desert", "mountains", "sea"]
    let folder: URL
    let store: ResultsStore
    let plan: SweepPlan
    let records: [TrialRecord]

    static let objective = Objective(metric: "f1_samples", split: .val, direction: .max)

    static func epoch(_ k: Int, f1: Double, loss: Double) -> EpochMetrics {
        EpochMetrics(epoch: k, lr: 0.001, train: ["loss": loss * 0.9, "f1_samples": f1 + 0.05],
                     val: ["loss": loss, "f1_samples": f1], seconds: 0.1)
    }

    /// The plan of `grid` (every combination, first axis slowest) with made-up ids.
    static func plan(name: String, grid: [GridAxis]) -> SweepPlan {
        var spec = SweepSpec(name: name, workers: 2)
        spec.grid = grid
        spec.train.objective = objective
        var combos: [[SweptParameter]] = [[]]
        for axis in grid { combos = combos.flatMap { c in axis.values.map { c + [SweptParameter(name: axis.name, value: $0)] } } }
        let trials = combos.enumerated().map { i, parameters in
            Trial(id: String(0xa00000000000 + i, radix: 16), index: i, parameters: parameters,
                  config: SweepCore.TrialConfig(train: spec.train, seed: 0, data: spec.data, backbone: spec.backbone))
        }
        return SweepPlan(spec: spec, trials: trials)
    }

    static func record(_ trial: Trial, state: SweepCore.TrialState, epochs: [EpochMetrics], failure: TrialFailure? = nil,
                       start: Double = 0) -> TrialRecord {
        let best = TrialRecord.bestEpoch(of: epochs, by: objective)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000 + start)
        return TrialRecord(id: trial.id, parameters: trial.parameterValues, config: trial.config, seed: 0, state: state,
                           epochs: epochs, bestEpoch: best?.epoch, objective: best?.value, attempts: failure == nil ? 1 : 2,
                           failure: failure, timings: TrialTimings(start: t0, end: t0.addingTimeInterval(2.5), seconds: 2.5),
                           workerPID: 1)
    }

    /// Writes the folder.
    static func make(synthetic: Bool = true, randomTrunk: Bool = true, withBest: Bool = true) throws -> ReportFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-report-\(UUID().uuidString)")
        let store = ResultsStore(directory: folder.path)
        try FileManager.default.createDirectory(atPath: store.checkpointsPath, withIntermediateDirectories: true)
        let plan = plan(name: "fixture", grid: [
            GridAxis(name: "lr", path: "train.optimizer.lr", values: [.number(0.0001), .number(0.001), .number(0.01)]),
            GridAxis(name: "depth", path: "train.head.depth", values: [.number(1), .number(2)]),
        ])
        let t = plan.trials
        func rising(_ base: Double, _ step: Double, _ loss: Double) -> [EpochMetrics] {
            (0..<4).map { epoch($0, f1: base + step * Double($0), loss: loss - 0.1 * Double($0)) }
        }
        let failure = TrialFailure(reason: "timed out after 8.0 seconds", stderrTail: "last <line> & more")
        var records: [TrialRecord] = []
        records.append(record(t[0], state: .complete, epochs: rising(0.5, 0.05, 1)))
        records.append(record(t[1], state: .complete, epochs: rising(0.6, 0.02, 0.9), start: 3))
        records.append(record(t[2], state: .pruned, epochs: [epoch(0, f1: 0.3, loss: 1.2), epoch(1, f1: 0.3, loss: 1.2)], start: 6))
        records.append(record(t[3], state: .diverged, epochs: [epoch(0, f1: 0.2, loss: 5e4)], start: 9))
        records.append(record(t[4], state: .failed, epochs: [], failure: failure, start: 12))
        records.append(record(t[5], state: .complete, epochs: rising(0.55, 0, 0.95), start: 15))
        for r in records { try store.append(r) }

        // 10 rows, 3 classes; validation rows 4...9.
        let targets: [UInt8] = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1]
        let context = WorkerContext(
            sweep: "fixture", cacheDirectory: "/nowhere", cacheKey: "abc123", classNames: classes, targets: targets,
            trainIndices: [0, 1, 2, 3], validationIndices: [4, 5, 6, 7, 8, 9], checkpointsDirectory: store.checkpointsPath,
            blasThreads: 1, weights: randomTrunk ? "random:0" : "imagenet",
            weightsIdentity: randomTrunk ? "random:0 init-v1" : "sha256:00ff", preprocessing: .imagenet,
            dataDescription: synthetic ? "SYNTHETIC stand-in for MIML: test" : "MIML data set at data/miml; 10 images")
        try context.write(to: store.contextPath)
        try Data("data: \(context.dataDescription)\ntrunk: ResNet50 weights \(context.weights)\n".utf8)
            .write(to: URL(fileURLWithPath: store.directory + "/ABOUT.txt"))
        if withBest {
            let best = t[1]
            let head = try Head(config: SweepTrain.HeadConfig(inputWidth: 4, classes: 3, depth: 0, dropout: 0), seed: 1)
            let card = ModelCard(classNames: classes, threshold: 0.5, scores: .sigmoid, head: head.config,
                                 trunk: .init(name: "resnet50", weights: context.weights, identity: context.weightsIdentity),
                                 preprocessing: .imagenet,
                                 trial: .init(id: best.id, sweep: "fixture", parameters: best.parameterValues, bestEpoch: 3,
                                              validation: ["f1_samples": 0.66, "loss": 0.6], data: context.dataDescription))
            // rows 4...9 in a shuffled order; (6, 3) scores
            let scores = ValidationScores(rows: [9, 4, 8, 5, 7, 6], classes: 3,
                                          scores: [0.9, 0.2, 0.7, 0.6, 0.8, 0.1, 0.4, 0.9, 0.3, 0.3, 0.2, 0.5, 0.1, 0.7, 0.9, 0.2, 0.1, 0.95])
            try Checkpoint.write(state: head.stateDict(), card: card, validation: scores, to: store.checkpointPath(best.id))
            _ = try store.reconcileBest(ranked: Leaderboard(plan: plan).ranked(records))
        }
        return ReportFixture(folder: folder, store: store, plan: plan, records: records)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    func model() throws -> ReportModel {
        try ReportReader(store: store, plan: plan).model(now: Date(timeIntervalSince1970: 1_800_000_100))
    }
}

/// The text between each `<svg ... data-plot="plot"` and its `</svg>`.
func svgs(_ html: String, plot: String) -> [String] {
    var out: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "data-plot=\"\(plot)\"") {
        let tail = rest[start.lowerBound...]
        guard let end = tail.range(of: "</svg>") else { break }
        out.append(String(tail[..<end.upperBound]))
        rest = tail[end.upperBound...]
    }
    return out
}

/// How often `needle` occurs in `haystack`.
func occurrences(of needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}
