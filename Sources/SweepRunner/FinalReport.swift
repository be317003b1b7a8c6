import Foundation
import SweepCore
import SweepData
import SweepSelection

/// `results/<name>/final.json`: what the sweep chose and how it does on data nothing chose
/// with. Everything but `test` is computed from training and validation rows only, so it is
/// the same whatever the test labels are.
public struct FinalReport: Codable, Sendable, Equatable {
    /// The chosen configuration's id and swept values.
    public var configuration: String
    /// Its swept values.
    public var parameters: [String: SweptValue]
    /// `mean` or `lower_bound`.
    public var rankBy: String
    /// The objective's label, e.g. `val f1_samples`.
    public var objective: String
    /// The objective over the configuration's complete runs.
    public var validation: Summary
    /// Its runs' ids, best first.
    public var runs: [String]
    /// The thresholds: the fixed one, the tuned ones (class order) when `train.threshold: tune`.
    public var thresholds: Thresholds
    /// Metrics of the runs' pooled validation predictions (out-of-fold with folds), at the
    /// fixed threshold and, when tuned, at the tuned ones (only metrics of the 0/1 predictions).
    public var pooledValidation: MetricPair
    /// `refit` or `best_run`, and where it is.
    public var model: String
    /// The run or folder `best` links.
    public var modelPath: String
    /// The refit's epochs (nil without a refit).
    public var refitEpochs: Int?
    /// The refit's optimiser steps when its schedule steps per batch (its runs' mean step
    /// count; the last epoch partial when it ends inside it); nil otherwise.
    public var refitSteps: Int?
    /// The held-out test split's result; nil without one.
    public var test: TestResult?

    /// The fixed and the tuned thresholds.
    public struct Thresholds: Codable, Sendable, Equatable {
        /// `train.threshold` (0.5 with tune or a list).
        public var fixed: Double
        /// The chosen configuration's own per-class thresholds when `train.threshold` is a list
        /// (class order); the "fixed" metrics are at them. Nil: every class at `fixed`.
        public var given: [Double]? = nil
        /// Per class, when tuned.
        public var tuned: [Double]?
        /// The class names, in order.
        public var classes: [String]
    }

    /// Metric values at the fixed threshold and at the tuned ones.
    public struct MetricPair: Codable, Sendable, Equatable {
        /// At the fixed threshold.
        public var fixed: [String: Double]
        /// At the tuned thresholds (nil when not tuned).
        public var tuned: [String: Double]?
    }

    /// The test split's metrics: over the configuration's runs, and of the chosen model.
    public struct TestResult: Codable, Sendable, Equatable {
        /// Test images.
        public var rows: Int
        /// Each metric over the runs' heads at the fixed threshold.
        public var runs: [String: Summary]
        /// Each metric over the runs' heads at the tuned thresholds (threshold metrics only).
        public var runsTuned: [String: Summary]?
        /// The chosen model (`best/`) at the fixed and at its thresholds.
        public var model: MetricPair

        enum CodingKeys: String, CodingKey {
            case rows, runs, model
            case runsTuned = "runs_tuned"
        }
    }

    enum CodingKeys: String, CodingKey {
        case configuration, parameters, objective, validation, runs, thresholds, model, test
        case rankBy = "rank_by"
        case pooledValidation = "pooled_validation"
        case modelPath = "model_path"
        case refitEpochs = "refit_epochs"
        case refitSteps = "refit_steps"
    }

    /// Reads `final.json`; nil when there is none.
    public static func read(_ path: String) throws -> FinalReport? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(FinalReport.self, from: data)
        } catch {
            throw FileError(path: path, reason: "not a final report: \(error)")
        }
    }

    /// Pretty JSON, keys sorted.
    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try e.encode(self)
    }

    /// The lines of the end-of-run summary.
    public var lines: [String] {
        var out = ["chosen configuration \(configuration): \(objective) \(validation.text) over its runs"
                   + (rankBy == "mean" ? "" : " (ranked by \(rankBy))")]
        if let given = thresholds.given {
            out.append("thresholds per class (train.threshold): "
                       + zip(thresholds.classes, given).map { "\($0) \(SweptValue.number($1).description)" }.joined(separator: ", "))
        }
        if let tuned = thresholds.tuned {
            out.append("thresholds tuned per class: " + zip(thresholds.classes, tuned).map { "\($0) \(String(format: "%.3f", $1))" }
                .joined(separator: ", "))
            for (name, v) in pooledValidation.fixed.sorted(by: { $0.key < $1.key }) {
                guard let t = pooledValidation.tuned?[name] else { continue }
                out.append(String(format: "  pooled val %@: %.4f at %g, %.4f at the tuned thresholds", name, v, thresholds.fixed, t))
            }
        }
        out.append("model: \(model == "refit" ? "refit on every non-test image for \(refitEpochs ?? 0) epochs\(refitSteps.map { " (\($0) optimiser steps)" } ?? "")" : "the configuration's best run") (\(modelPath))")
        if let test {
            for (name, s) in test.runs.sorted(by: { $0.key < $1.key }) {
                var line = "test \(name) (\(test.rows) images): runs \(s.text)"
                if let t = test.runsTuned?[name] { line += ", at tuned thresholds \(t.text)" }
                if let m = test.model.fixed[name] { line += String(format: "; chosen model %.4f", m) }
                if let m = test.model.tuned?[name] { line += String(format: " (%.4f tuned)", m) }
                out.append(line)
            }
        }
        return out
    }
}
