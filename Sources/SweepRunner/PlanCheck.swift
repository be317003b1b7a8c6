import SweepCore
import SweepData
import SweepPluginAPI

/// Checks, once the data and split are known and before any feature is extracted, that every
/// trial of a plan can give numbers: each loss plugin can be built on the training split
/// (`bce`'s `pos_weight: auto` needs a positive of every class there), and each metric is
/// defined on the splits it is measured on. A metric that is undefined there (scikit-learn
/// raises; sweep's plugins answer NaN) would be NaN for every trial; as the objective, no
/// trial could be ranked, so that is an error, and any other metric a warning.
///
/// Definedness is decided by the plugins themselves: each is evaluated on the split's real
/// targets with seeded random scores, so a user's plugin is checked like a built-in one. The
/// message then names the usual causes found in the targets (rows with no positive label or
/// with every label, classes with no positive or no negative) and the metrics that are defined.
public enum PlanCheck {
    /// The errors of a check, thrown by `sweep run` before any work.
    public struct Failure: Error, CustomStringConvertible {
        /// One sentence per error.
        public var messages: [String]
        /// The errors, one `error:` line each (the first prefix is the caller's).
        public var description: String { messages.joined(separator: "\nerror: ") }
    }

    /// What the check found: errors stop the run; warnings are said and the run goes on.
    public struct Findings: Sendable, Equatable {
        /// What makes the plan unrunnable (an undefined objective, a loss that cannot be built).
        public var errors: [String] = []
        /// What will be NaN but does not stop the run (an undefined metric that is not the objective).
        public var warnings: [String] = []
    }

    /// Checks `plan` against the data set's targets and `split`.
    public static func check(_ plan: SweepPlan, dataset: LabelledImages, split: DataSplit, catalog: PluginCatalog) -> Findings {
        var findings = Findings()
        let c = dataset.classCount
        // with folds, the first fold's parts stand for all (each is a stratified or random share)
        let rows = split.rows(fold: split.folds == nil ? nil : 0)
        let parts = [Part(name: "training", indices: rows.train, targets: dataset.targets, classes: c,
                          classNames: dataset.classNames),
                     Part(name: "validation", indices: rows.validation, targets: dataset.targets, classes: c,
                          classNames: dataset.classNames)]
        checkLosses(plan, dataset: dataset, training: parts[0], catalog: catalog, into: &findings)
        checkThresholds(plan, classNames: dataset.classNames, into: &findings)

        let train = plan.spec.train
        let objective = train.objective
        for choice in train.metrics {
            guard let type = try? catalog.metric(named: choice.name),
                  let parameters = try? PluginParameters(resolving: choice.parameters, against: type.parameters, plugin: choice.name),
                  let metric = try? type.init(parameters: parameters) else { continue }
            for part in parts {
                guard !part.indices.isEmpty, !evaluate(metric, on: part, threshold: train.threshold).isFinite else { continue }
                let isObjective = choice.name == objective.metric && (part.name == "validation") == (objective.split == .val)
                let alternatives = definedMetrics(on: part, catalog: catalog, threshold: train.threshold, except: choice.name,
                                                  higherIsBetter: type.higherIsBetter)
                var text = "\(choice.name) is undefined on the \(part.name) split: " + part.causes()
                if isObjective {
                    text = plan.locationPrefix("train.objective.metric") + "train.objective.metric: " + text + "; as the objective no trial could be ranked (scikit-learn "
                        + "raises here). Use a metric that is defined on this split"
                        + (alternatives.isEmpty ? "" : " (" + alternatives.prefix(8).joined(separator: ", ") + ")")
                        + ", or give those images labels or leave them out"
                    findings.errors.append(text)
                } else {
                    findings.warnings.append(plan.locationPrefix("train.metrics") + "train.metrics: " + text + "; it will be NaN in every epoch of every trial")
                }
            }
        }
        return findings
    }

    /// The check on the data set as it is now, for `sweep validate` and `--dry-run` (reads,
    /// writes nothing); nil when the data set is not there yet (it will be synthesized).
    /// - Throws: `DataSetError` when the data set cannot be used, `DataSplitError` when it cannot be split.
    public static func checkExisting(_ plan: SweepPlan, catalog: PluginCatalog) throws -> Findings? {
        guard let dataset = try DataPreparation.existing(plan.spec.data) else { return nil }
        return check(plan, dataset: dataset, split: try DataPreparation.split(dataset, plan.spec.data), catalog: catalog)
    }

    /// Per-class thresholds (`train.threshold: [..]`, or a list in the grid) must give one per class.
    private static func checkThresholds(_ plan: SweepPlan, classNames: [String], into findings: inout Findings) {
        var seen = Set<[Double]>()
        let swept = plan.spec.grid.contains { $0.path == "train.threshold" }
        for trial in plan.trials {
            guard let list = trial.config.train.thresholds, list.count != classNames.count, seen.insert(list).inserted else { continue }
            let key = swept ? (plan.spec.grid.first { $0.path == "train.threshold" }.map { "grid." + $0.name } ?? "grid")
                            : "train.threshold"
            findings.errors.append(plan.locationPrefix(key) + key + ": gives \(list.count) per-class threshold(s), "
                + "\(list.map { SweptValue.number($0).description }.joined(separator: ", ")), for \(classNames.count) classes "
                + "(\(classNames.joined(separator: ", "))): give one per class, in that order, or one number for all")
        }
    }

    /// Every distinct loss of the plan, built on the training split's statistics.
    private static func checkLosses(_ plan: SweepPlan, dataset: LabelledImages, training: Part, catalog: PluginCatalog,
                                    into findings: inout Findings) {
        let context = LossContext(classNames: dataset.classNames, positives: training.positives, samples: training.indices.count)
        var seen = Set<PluginChoice>()
        for trial in plan.trials where seen.insert(trial.config.train.loss).inserted {
            let choice = trial.config.train.loss
            do {
                let type = try catalog.loss(named: choice.name)
                _ = try type.init(parameters: try PluginParameters(resolving: choice.parameters, against: type.parameters,
                                                                   plugin: choice.name), context: context)
            } catch {
                let empty = zip(dataset.classNames, training.positives).filter { $0.1 == 0 }.map(\.0)
                findings.errors.append("train.loss: \(error)"
                    + (empty.isEmpty ? "" : " (no positive in the \(training.indices.count) training images: "
                       + empty.joined(separator: ", ") + "; give those classes more images, set data.stratified: true, "
                       + "or use pos_weight: none or a list)"))
            }
        }
    }

    /// The metric on `part`'s targets with seeded random scores in (0, 1).
    private static func evaluate(_ metric: any MetricPlugin, on part: Part, threshold: Double) -> Double {
        var rng = SeededRandom(seed: 13)
        let scores = (0..<(part.indices.count * part.classes)).map { _ in rng.uniform(0.01, 0.99) }
        return metric.evaluate(MetricInput(scores: scores, targets: part.subset, rows: part.indices.count,
                                           columns: part.classes, threshold: threshold))
    }

    /// Names of the catalog's metrics (built with their defaults) that are defined on `part`
    /// and go the same direction (any direction when none does).
    private static func definedMetrics(on part: Part, catalog: PluginCatalog, threshold: Double, except: String,
                                       higherIsBetter: Bool) -> [String] {
        let defined = catalog.metrics.filter { type in
            guard type.name != except,
                  let parameters = try? PluginParameters(resolving: [:], against: type.parameters, plugin: type.name),
                  let metric = try? type.init(parameters: parameters),
                  evaluate(metric, on: part, threshold: threshold).isFinite else { return false }
            return true
        }
        let same = defined.filter { $0.higherIsBetter == higherIsBetter }
        return (same.isEmpty ? defined : same).map { $0.name }
    }

    /// One side of the split and what its targets hold.
    struct Part {
        let name: String
        let indices: [Int]
        let classes: Int
        /// (indices.count, classes) targets of these rows.
        let subset: [UInt8]
        let classNames: [String]

        init(name: String, indices: [Int], targets: [UInt8], classes: Int, classNames: [String]) {
            self.name = name
            self.indices = indices
            self.classes = classes
            self.subset = indices.flatMap { targets[$0 * classes ..< ($0 + 1) * classes] }
            self.classNames = classNames
        }

        /// Positive count per class. (classes)
        var positives: [Int] { LabelledImages.classCounts(subset, classCount: classes) }

        /// The usual reasons a metric is undefined here, in words.
        func causes() -> String {
            let rows = indices.count
            let histogram = LabelledImages.cardinalityHistogram(subset, classCount: classes)
            var causes: [String] = []
            if histogram[0] > 0 { causes.append("\(histogram[0]) of the \(rows) \(name) images have no positive label") }
            if classes > 1, histogram[classes] > 0 { causes.append("\(histogram[classes]) of the \(rows) \(name) images have every label") }
            let counts = positives
            let none = zip(classNames, counts).filter { $0.1 == 0 }.map(\.0)
            let all = zip(classNames, counts).filter { $0.1 == rows }.map(\.0)
            if !none.isEmpty { causes.append("no \(name) image has the class(es) " + none.joined(separator: ", ")) }
            if !all.isEmpty { causes.append("every \(name) image has the class(es) " + all.joined(separator: ", ")) }
            return causes.isEmpty ? "the metric gives NaN on these targets" : causes.joined(separator: ", ")
        }
    }
}
