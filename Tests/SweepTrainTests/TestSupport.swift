import Foundation
import SweepPluginAPI
import SweepStandardPlugins
import SweepTensor
@testable import SweepTrain

/// Synthetic multi-label data: Gaussian features, targets from a random linear map plus noise.
struct SyntheticData {
    let samples: Int
    let width: Int
    let classes: Int
    let features: FloatBuffer
    let targets: [UInt8]

    init(samples: Int, width: Int, classes: Int, seed: UInt64) {
        self.samples = samples
        self.width = width
        self.classes = classes
        var g = SeededGenerator(seed: seed)
        func normal() -> Double {
            let u = max(g.nextUnitDouble(), 1e-300), v = g.nextUnitDouble()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        features = FloatBuffer(count: samples * width)
        for i in 0..<samples * width { features.pointer[i] = Float(normal()) }
        let mix = (0..<width * classes).map { _ in normal() / Double(width).squareRoot() }
        var t = [UInt8](repeating: 0, count: samples * classes)
        for n in 0..<samples {
            for c in 0..<classes {
                var s = 0.3 * normal()
                for d in 0..<width { s += Double(features.pointer[n * width + d]) * mix[d * classes + c] }
                t[n * classes + c] = s > 0.3 ? 1 : 0
            }
        }
        targets = t
    }

    /// The first `train` rows train, the rest validate.
    func trialData(train: Int) throws -> TrialData {
        TrialData(features: try FeatureMatrix(features, rows: samples, columns: width), targets: targets,
                  classes: classes, trainIndices: Array(0..<train), validationIndices: Array(train..<samples))
    }

    func bce(_ data: TrialData, posWeight: ParameterValue = .string("auto")) throws -> BCEWithLogitsLoss {
        try BCEWithLogitsLoss(parameters: PluginParameters(["pos_weight": posWeight]),
                              context: data.lossContext(classNames: (0..<classes).map { "c\($0)" }))
    }
}

/// A metric written for these tests: the share of cells predicted right (score > threshold).
struct CellAccuracy: MetricPlugin {
    static let name = "cell_accuracy"
    static let summary = "share of cells predicted right"
    static let higherIsBetter = true
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double {
        let p = input.predictions
        return Double(zip(p, input.targets).filter { $0 == $1 }.count) / Double(p.count)
    }
}

func cellAccuracy() throws -> NamedMetric {
    NamedMetric(name: "cell_accuracy", metric: try CellAccuracy(parameters: PluginParameters()))
}
