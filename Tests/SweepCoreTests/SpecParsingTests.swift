import SweepCore
import SweepPluginAPI
import XCTest

/// Valid sweep files decode to the values written in them (and the documented defaults).
final class SpecParsingTests: XCTestCase {
    func testSceneFileDecodesToTheNotebookGrid() throws {
        let plan = try Support.plan(Support.text(ofSweep: "scene.yaml"), path: "sweeps/scene.yaml")
        let s = plan.spec
        XCTAssertEqual(s.name, "scene")
        XCTAssertEqual(s.data.format, .miml)
        XCTAssertEqual(s.data.path, "data/miml")
        XCTAssertTrue(s.data.synthesizeIfMissing)
        XCTAssertEqual(s.data.validation, 0.3)
        XCTAssertEqual(s.data.splitSeed, 0)
        XCTAssertTrue(s.data.stratified)
        XCTAssertEqual(s.data.test, 0.2)
        XCTAssertEqual(s.data.folds, 5)
        XCTAssertEqual(s.repeats, 1)
        XCTAssertEqual(s.rankBy, .mean)
        XCTAssertTrue(s.refitsChosen, "scene.yaml refits the chosen configuration")
        XCTAssertTrue(s.thresholdTune)
        XCTAssertEqual(s.backbone.name, "resnet50")
        XCTAssertEqual(s.backbone.weights, .imagenet)
        XCTAssertEqual(s.backbone.fallback, .random)
        XCTAssertEqual(s.backbone.cache, "results/cache")
        XCTAssertEqual(s.train.epochs, 10)
        XCTAssertEqual(s.train.batchSize, 128)
        XCTAssertEqual(s.train.optimizer.name, .adam)
        XCTAssertEqual(s.train.optimizer.lr, 0.001)
        XCTAssertEqual(s.train.optimizer.weightDecay, 0)
        XCTAssertEqual(s.train.schedule.name, .cosine)
        XCTAssertEqual(s.train.schedule.tMax, 5)
        XCTAssertEqual(s.train.schedule.etaMin, 0.005)
        XCTAssertEqual(s.train.schedule.step, .batch)
        XCTAssertEqual(s.train.loss, PluginChoice(name: "bce", parameters: ["pos_weight": .string("auto")]))
        XCTAssertEqual(s.train.metrics.map(\.name), ["f1_samples", "roc_auc_samples"])
        var objective = Objective(metric: "f1_samples", split: .val, direction: .max)
        objective.lastEpochs = 5
        XCTAssertEqual(s.train.objective, objective)
        XCTAssertEqual(s.train.threshold, 0.5)
        XCTAssertEqual(s.grid.map(\.name), ["dropout", "lr", "t_max", "depth"])
        XCTAssertEqual(s.grid.map(\.path), ["train.head.dropout", "train.optimizer.lr", "train.schedule.t_max", "train.head.depth"])
        XCTAssertEqual(s.grid[0].values, [.number(0), .number(0.3), .number(0.5)])
        XCTAssertEqual(s.grid[1].values, [.number(1e-4), .number(1e-3), .number(1e-2)])
        XCTAssertEqual(s.grid[2].values, [.number(5), .number(10)])
        XCTAssertEqual(s.grid[3].values, [.number(1), .number(2), .number(3)])
        XCTAssertEqual(s.workers, 4)  // not in the file: the default (Support passes 4 cores)
        XCTAssertEqual(s.seed, 0)
        XCTAssertEqual(s.retries, 1)
        XCTAssertEqual(s.trialTimeout, 600)
        XCTAssertEqual(plan.trials.count, 54 * 5)
        XCTAssertEqual(Set(plan.trials.map(\.configID)).count, 54)
        XCTAssertEqual(plan.summary, "270 trials (dropout 3 × lr 3 × t_max 2 × depth 3; 5 folds)")
    }

    func testNotebookFileIsOneTrialWithTheNotebookSettings() throws {
        let plan = try Support.plan(Support.text(ofSweep: "notebook.yaml"), path: "sweeps/notebook.yaml")
        XCTAssertEqual(plan.trials.count, 1)
        XCTAssertEqual(plan.summary, "1 trial")
        let t = try XCTUnwrap(plan.trials.first).config.train
        XCTAssertEqual(t.head.depth, 2)
        XCTAssertEqual(t.head.dropout, 0.3)
        XCTAssertEqual(t.optimizer.name, .adam)
        XCTAssertEqual(t.optimizer.lr, 1e-3)
        XCTAssertEqual(t.schedule.name, .cosine)
        XCTAssertEqual(t.schedule.tMax, 5)
        XCTAssertEqual(t.schedule.etaMin, 5e-3)
        XCTAssertEqual(t.schedule.step, .batch)
        XCTAssertEqual(t.batchSize, 128)
        XCTAssertEqual(t.epochs, 10)
        XCTAssertEqual(t.loss.parameters["pos_weight"], .string("auto"))
        // The notebook thresholds logits at 0.5: the same rule on probabilities is sigmoid(0.5).
        XCTAssertEqual(t.threshold, 1 / (1 + exp(-0.5)), accuracy: 1e-15)
        XCTAssertEqual(plan.spec.workers, 4, "workers defaults to the count passed in (the cores)")
    }

    func testDefaultsOfAMinimalFile() throws {
        let plan = try Support.plan("name: tiny\n")
        let s = plan.spec
        XCTAssertEqual(s.workers, 4)
        XCTAssertEqual(s.data.path, "data/miml")
        XCTAssertEqual(s.data.format, .miml, "data/miml holds `miml data.mat`")
        XCTAssertFalse(s.data.synthesizeIfMissing, "no synthesis unless the file asks")
        XCTAssertEqual(s.backbone.fallback, .error, "no weights fallback unless the file asks")
        XCTAssertEqual(s.backbone.cache, "results/cache")
        XCTAssertEqual(s.keep, 1)
        XCTAssertEqual(s.train.epochs, 10)
        XCTAssertEqual(s.train.head.depth, 2)
        XCTAssertEqual(s.train.schedule.name, .constant)
        XCTAssertEqual(s.train.metrics.map(\.name), ["f1_samples", "roc_auc_samples"])
        XCTAssertEqual(plan.trials.count, 1)
        XCTAssertEqual(plan.trials[0].config.train.loss.parameters, ["pos_weight": .string("auto")],
                       "the loss plugin's declared defaults are filled in")
    }

    func testShorthandsAndNameDependentDefaults() throws {
        let plan = try Support.plan("""
            name: short
            train:
              optimizer: adamw
              schedule: {name: step, step_size: 3}
              loss: focal
              metrics: [hamming_loss, {name: fbeta_samples, beta: 2}]
              objective: hamming_loss
            """)
        let t = plan.trials[0].config.train
        XCTAssertEqual(t.optimizer.name, .adamw)
        XCTAssertEqual(t.optimizer.weightDecay, 0.01, "AdamW's PyTorch default")
        XCTAssertEqual(t.schedule.stepSize, 3)
        XCTAssertEqual(t.schedule.gamma, 0.1)
        XCTAssertEqual(t.loss, PluginChoice(name: "focal", parameters: ["gamma": .number(2), "alpha": .number(0.25)]))
        XCTAssertEqual(t.metrics, [PluginChoice(name: "hamming_loss"), PluginChoice(name: "fbeta_samples", parameters: ["beta": .number(2)])])
        XCTAssertEqual(t.objective, Objective(metric: "hamming_loss", split: .val, direction: .min),
                       "direction follows the metric when not given")
    }

    func testObjectiveMetricIsAddedToMetricsAndLossIsMinimised() throws {
        var plan = try Support.plan("name: a\ntrain: {metrics: [roc_auc_samples], objective: {metric: f1_samples}}\n")
        XCTAssertEqual(plan.spec.train.metrics.map(\.name), ["roc_auc_samples", "f1_samples"])
        plan = try Support.plan("name: a\ntrain: {objective: {metric: loss, split: train}}\n")
        XCTAssertEqual(plan.spec.train.objective, Objective(metric: "loss", split: .train, direction: .min))
    }

    func testCsvDataAndWeightsFile() throws {
        let plan = try Support.plan("""
            name: csv-run
            data: {format: csv, path: data/labels.csv, validation: 0.25, stratified: true}
            backbone: {weights: weights/rn50.safetensors, fallback: error}
            """)
        XCTAssertEqual(plan.spec.data.format, .csv)
        XCTAssertFalse(plan.spec.data.synthesizeIfMissing)
        XCTAssertTrue(plan.spec.data.stratified)
        XCTAssertEqual(plan.spec.backbone.weights, .file("weights/rn50.safetensors"))
        XCTAssertEqual(plan.spec.backbone.fallback, .error)
    }

    func testResolvedYAMLLoadsBackToTheSameSpecAndIds() throws {
        let plan = try Support.plan(Support.text(ofSweep: "scene.yaml"))
        let yaml = try plan.spec.resolvedYAML()
        let again = try Support.plan(yaml)
        XCTAssertEqual(again.spec, plan.spec)
        XCTAssertEqual(again.trials.map(\.id), plan.trials.map(\.id))
    }

    /// Every digit of a double survives the resolved file (YAMLEncoder alone kept 15), and a
    /// string that looks like a number stays a string.
    func testResolvedYAMLKeepsEveryDigitAndQuotesNumberLikeStrings() throws {
        let plan = try Support.plan("""
            name: "2024"
            train: {optimizer: {lr: 0.00021544346900318823}, schedule: {name: cosine, t_max: 5, eta_min: 1.2345678901234567e-7}}
            grid: {dropout: [0.1, 0.30000000000000004], lr: [0.00021544346900318823, 3.0e-3]}
            """)
        let yaml = try plan.spec.resolvedYAML()
        XCTAssertTrue(yaml.contains("0.00021544346900318823"), yaml)
        XCTAssertTrue(yaml.contains("lr:"), yaml)
        let again = try Support.plan(yaml)
        XCTAssertEqual(again.spec, plan.spec)
        XCTAssertEqual(again.spec.name, "2024")
        XCTAssertEqual(again.trials.map(\.id), plan.trials.map(\.id))
    }

    func testLoadResolvesPathsAgainstTheWorkingDirectory() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweepcore-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sweeps"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data/here"), withIntermediateDirectories: true)
        try Data().write(to: root.appendingPathComponent("data/here/miml data.mat"))  // a MIML folder, as far as planning looks
        let file = "name: w\ndata: {path: data/here, synthesize_if_missing: false}\n"
        try file.write(to: root.appendingPathComponent("sweeps/w.yaml"), atomically: true, encoding: .utf8)
        try file.replacingOccurrences(of: "data/here", with: "data/gone")
            .write(to: root.appendingPathComponent("sweeps/gone.yaml"), atomically: true, encoding: .utf8)
        let plan = try SweepFile.load(path: "sweeps/w.yaml", catalog: Support.catalog, workingDirectory: root.path, defaultWorkers: 3)
        XCTAssertEqual(plan.spec.data.path, "data/here")
        XCTAssertEqual(plan.spec.workers, 3)
        do {
            _ = try SweepFile.load(path: "sweeps/gone.yaml", catalog: Support.catalog, workingDirectory: root.path)
            XCTFail("a missing data folder must be an error")
        } catch {
            XCTAssertEqual(error.issues.map(\.description), [
                "sweeps/gone.yaml:2:14: data.path: 'data/gone' does not exist (paths are relative to the working directory "
                    + "sweep runs in, not to the sweep file)",
            ])
        }
    }
}
