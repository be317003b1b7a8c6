import SweepCore
import SweepPluginAPI
import XCTest

/// Grid expansion: count, order, resolved configs and stable ids.
final class GridExpansionTests: XCTestCase {
    let base = """
        name: g
        train: {epochs: 4, optimizer: {name: adam, lr: 0.001}}
        workers: 2
        grid:
          dropout: [0.0, 0.5]
          lr: [0.1, 0.01, 0.001]
          depth: [1, 3]
        """

    func testProductInFileOrderLastKeyFastest() throws {
        let plan = try Support.plan(base)
        XCTAssertEqual(plan.trials.count, 12)
        var expected: [[SweptValue]] = []
        for d in [0.0, 0.5] { for lr in [0.1, 0.01, 0.001] { for depth in [1.0, 3.0] {
            expected.append([.number(d), .number(lr), .number(depth)])
        } } }
        XCTAssertEqual(plan.trials.map { $0.parameters.map(\.value) }, expected)
        XCTAssertEqual(plan.trials.map(\.index), Array(0..<12))
        XCTAssertTrue(plan.trials.allSatisfy { $0.parameters.map(\.name) == ["dropout", "lr", "depth"] })
        for t in plan.trials {
            XCTAssertEqual(t.config.train.head.dropout, t.parameterValues["dropout"]?.number)
            XCTAssertEqual(t.config.train.optimizer.lr, t.parameterValues["lr"]?.number)
            XCTAssertEqual(Double(t.config.train.head.depth), t.parameterValues["depth"]?.number)
            XCTAssertEqual(t.config.train.epochs, 4)
            XCTAssertEqual(t.config.seed, 0)
        }
    }

    func testIdsAreTwelveHexDigitsAndDistinct() throws {
        let ids = try Support.plan(base).trials.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids {
            XCTAssertEqual(id.count, 12)
            XCTAssertTrue(id.allSatisfy { "0123456789abcdef".contains($0) }, id)
        }
    }

    func testIdsDoNotDependOnGridOrderOrUnrelatedKeys() throws {
        let plan = try Support.plan(base)
        let reordered = try Support.plan("""
            name: other-name
            workers: 7
            retries: 3
            trial_timeout: 5
            backbone: {cache: elsewhere, fallback: error}
            grid:
              depth: [3, 1]
              lr: [0.001, 0.1, 0.01]
              train.head.dropout: [0.5, 0.0]
            train: {optimizer: {lr: 0.001, name: adam}, epochs: 4}
            """)
        let byParameters = { (p: SweepPlan) in
            Dictionary(uniqueKeysWithValues: p.trials.map { t in
                ([t.parameterValues["dropout"], t.parameterValues["lr"], t.parameterValues["depth"]], t.id)
            })
        }
        XCTAssertEqual(byParameters(plan), byParameters(reordered))
        XCTAssertNotEqual(plan.trials.map(\.id), reordered.trials.map(\.id), "the order differs, the ids do not")
    }

    func testIdsChangeWithAnyResolvedSetting() throws {
        let ids = Set(try Support.plan(base).trials.map(\.id))
        // One swept value changed: only the trials with that value get new ids.
        let changed = try Support.plan(base.replacingOccurrences(of: "lr: [0.1, 0.01, 0.001]", with: "lr: [0.2, 0.01, 0.001]"))
        for t in changed.trials {
            XCTAssertEqual(ids.contains(t.id), t.parameterValues["lr"] != .number(0.2), "\(t.parameters)")
        }
        // A fixed setting, the seed, the data split or the trunk: every id changes.
        for edit in ["train: {epochs: 5,", "seed: 1\ntrain: {epochs: 4,", "data: {split_seed: 1}\ntrain: {epochs: 4,",
                     "data: {validation: 0.2}\ntrain: {epochs: 4,", "backbone: {weights: random}\ntrain: {epochs: 4,",
                     "train: {loss: {name: bce, pos_weight: none}, epochs: 4,"] {
            let other = try Support.plan(base.replacingOccurrences(of: "train: {epochs: 4,", with: edit))
            XCTAssertTrue(ids.isDisjoint(with: other.trials.map(\.id)), edit)
        }
        // Writing a default out does not change anything.
        let explicit = try Support.plan(base.replacingOccurrences(
            of: "train: {epochs: 4,", with: "train: {loss: {name: bce, pos_weight: auto}, batch_size: 128, epochs: 4,"))
        XCTAssertEqual(Set(explicit.trials.map(\.id)), ids)
    }

    func testGriddedLossAndItsParameters() throws {
        let plan = try Support.plan("name: a\ntrain: {loss: focal}\ngrid:\n  loss.gamma: [0, 2]\n  optimizer: [adam, adamw]\n")
        XCTAssertEqual(plan.trials.count, 4)
        let t = plan.trials[1].config.train
        XCTAssertEqual(t.loss, PluginChoice(name: "focal", parameters: ["gamma": .number(0), "alpha": .number(0.25)]))
        XCTAssertEqual(t.optimizer.name, .adamw)
        XCTAssertEqual(t.optimizer.weightDecay, 0.01, "AdamW's default, resolved per trial")
        XCTAssertEqual(plan.trials[0].config.train.optimizer.weightDecay, 0)
        XCTAssertEqual(plan.trials[0].parameterValues, ["loss.gamma": .number(0), "optimizer": .string("adam")])
    }

    func testSceneIdsMatchItsResolvedTrials() throws {
        let plan = try Support.plan(Support.sceneText)
        // a configuration's id is its resolved settings' (at the sweep's seed); its 5 fold runs have their own
        XCTAssertEqual(plan.trials.map(\.configID), plan.trials.map(\.config.id))
        XCTAssertEqual(Set(plan.trials.map(\.configID)).count, 54)
        XCTAssertEqual(Set(plan.trials.map(\.id)).count, 270)
    }

    func testPlanTableHasOneRowPerTrial() throws {
        let plan = try Support.plan(base)
        let lines = plan.table().split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "g: 12 trials (dropout 2 × lr 3 × depth 2)")
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("#") })
        XCTAssertEqual(header.split(separator: " ", omittingEmptySubsequences: true), ["#", "id", "dropout", "lr", "depth"])
        let rows = lines.filter { $0.first?.isNumber ?? false }
        XCTAssertEqual(rows.count, 12)
        XCTAssertEqual(rows[1].split(separator: " ", omittingEmptySubsequences: true),
                       ["2", Substring(plan.trials[1].id), "0", "0.1", "3"])
        let lrColumn = header.range(of: "lr").map { header.distance(from: header.startIndex, to: $0.lowerBound) }
        for row in rows { XCTAssertEqual(row.dropFirst(lrColumn ?? 0).first?.isNumber, true, "aligned: \(row)") }
    }
}

/// Runs: repeats and folds of every configuration, their ids and seeds.
final class RunExpansionTests: XCTestCase {
    /// Repeat 0 without folds keeps today's trial id and the sweep's seed; other repeats get
    /// derived seeds; ids are stable and distinct; the plan orders configuration, repeat, fold.
    func testRepeatsAndFoldsExpandEveryConfiguration() throws {
        let one = try Support.plan("name: a\nseed: 3\ngrid:\n  lr: [0.1, 0.01]\n")
        let three = try Support.plan("name: a\nseed: 3\nrepeats: 3\ngrid:\n  lr: [0.1, 0.01]\n")
        XCTAssertEqual(three.trials.count, 6)
        XCTAssertEqual(Array(three.trials.filter { $0.repeat == 0 }.map(\.id)), one.trials.map(\.id),
                       "repeat 0 is the run sweep made before repeats: same id, so old results resume")
        XCTAssertEqual(three.trials.filter { $0.repeat == 0 }.map(\.config.seed), [3, 3])
        XCTAssertEqual(Set(three.trials.map(\.id)).count, 6)
        XCTAssertEqual(three.trials.map(\.configID), one.trials.flatMap { Array(repeating: $0.id, count: 3) })
        XCTAssertEqual(three.trials.map(\.repeat), [0, 1, 2, 0, 1, 2])
        let seeds = three.trials.prefix(3).map(\.config.seed)
        XCTAssertEqual(Set(seeds).count, 3)
        XCTAssertEqual(seeds[1], RunIdentity.seed(base: 3, repeat: 1))
        XCTAssertEqual(RunIdentity.seed(base: 3, repeat: 1), RunIdentity.seed(base: 3, repeat: 1))
        XCTAssertNotEqual(RunIdentity.seed(base: 3, repeat: 1), RunIdentity.seed(base: 4, repeat: 1))
        // adding repeats keeps the ids of the runs already there
        let two = try Support.plan("name: a\nseed: 3\nrepeats: 2\ngrid:\n  lr: [0.1, 0.01]\n")
        XCTAssertTrue(Set(two.trials.map(\.id)).isSubset(of: Set(three.trials.map(\.id))))

        let folds = try Support.plan("name: a\nseed: 3\nrepeats: 2\ndata: {folds: 3}\ngrid:\n  lr: [0.1, 0.01]\n")
        XCTAssertEqual(folds.trials.count, 12)
        XCTAssertEqual(folds.trials.prefix(6).map(\.fold), [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(folds.trials.prefix(6).map(\.repeat), [0, 0, 0, 1, 1, 1])
        XCTAssertEqual(Set(folds.trials.map(\.id)).count, 12)
        XCTAssertFalse(folds.trials.contains { $0.id == $0.configID }, "a fold run is not the single-split run")
        XCTAssertEqual(folds.summary, "12 trials (lr 2; 2 repeats; 3 folds)")
    }

    /// A test split is part of the configuration id (other rows train); none keeps today's ids.
    func testTestSplitChangesTheConfigurationID() throws {
        let plain = try Support.plan("name: a\n")
        let none = try Support.plan("name: a\ndata: {test: 0}\n")
        let test = try Support.plan("name: a\ndata: {test: 0.2}\n")
        XCTAssertEqual(plain.trials[0].id, none.trials[0].id)
        XCTAssertNotEqual(plain.trials[0].id, test.trials[0].id)
    }
}

/// The selection keys: values, errors with their place, the resolved file.
final class SelectionKeyTests: XCTestCase {
    func testKeysReadAndRoundTrip() throws {
        let plan = try Support.plan("name: a\nrepeats: 2\nrank_by: lower_bound\nrefit: false\n"
                                    + "data: {folds: 4, test: 0.25}\ntrain: {threshold: tune}\n")
        let spec = plan.spec
        XCTAssertEqual(spec.repeats, 2)
        XCTAssertEqual(spec.rankBy, .lowerBound)
        XCTAssertEqual(spec.refit, false)
        XCTAssertFalse(spec.refitsChosen)
        XCTAssertEqual(spec.data.folds, 4)
        XCTAssertEqual(spec.data.test, 0.25)
        XCTAssertTrue(spec.thresholdTune)
        XCTAssertEqual(spec.train.threshold, 0.5, "the runs use 0.5 with tune")
        let again = try Support.plan(try spec.resolvedYAML())
        XCTAssertEqual(again.spec, spec, "sweep.yaml loads back to the same spec")
        XCTAssertEqual(again.trials.map(\.id), plan.trials.map(\.id))
        // refit defaults to true with repeats or folds
        XCTAssertTrue(try Support.plan("name: a\nrepeats: 2\n").spec.refitsChosen)
        XCTAssertTrue(try Support.plan("name: a\ndata: {folds: 2}\n").spec.refitsChosen)
        XCTAssertFalse(try Support.plan("name: a\n").spec.refitsChosen)
        // tune is not part of any id
        XCTAssertEqual(try Support.plan("name: a\ntrain: {threshold: tune}\n").trials.map(\.id),
                       try Support.plan("name: a\n").trials.map(\.id))
    }

    /// `train.threshold: [..]`: one threshold per class in the trial's settings (a number again
    /// clears it), its own trial id, swept as lists in the grid, written back as a list.
    func testPerClassThresholds() throws {
        let plan = try Support.plan("name: a\ntrain: {threshold: [0.4, 0.6, 0.55]}\n")
        XCTAssertEqual(plan.spec.train.thresholds, [0.4, 0.6, 0.55])
        XCTAssertEqual(plan.trials[0].config.train.thresholds, [0.4, 0.6, 0.55])
        XCTAssertEqual(plan.spec.train.threshold, 0.5)
        let again = try Support.plan(try plan.spec.resolvedYAML())
        XCTAssertEqual(again.spec, plan.spec, "sweep.yaml loads back to the same spec")
        XCTAssertEqual(again.trials.map(\.id), plan.trials.map(\.id))
        XCTAssertNotEqual(plan.trials.map(\.id), try Support.plan("name: a\n").trials.map(\.id))
        XCTAssertEqual(try Support.plan("name: a\ntrain: {threshold: 0.5}\n").trials.map(\.id),
                       try Support.plan("name: a\n").trials.map(\.id), "a number keeps the ids it had")
        let set = try Support.plan("name: a\ntrain: {threshold: [0.4, 0.6]}\n", overrides: ["train.threshold=0.3"])
        XCTAssertNil(set.spec.train.thresholds)
        XCTAssertEqual(set.spec.train.threshold, 0.3)
        let grid = try Support.plan("name: a\ngrid:\n  threshold: [0.5, [0.3, 0.7]]\n")
        XCTAssertEqual(grid.trials.map(\.config.train.thresholds), [nil, [0.3, 0.7]])
        XCTAssertEqual(grid.trials.map(\.config.train.threshold), [0.5, 0.5])
        XCTAssertNotNil(grid.locations["grid.threshold"], "the grid key's place, for the class-count check")
    }

    /// `train.objective.last_epochs`: read, 0 is the default (ids unchanged), written back.
    func testObjectiveLastEpochs() throws {
        let plan = try Support.plan("name: a\ntrain: {objective: {metric: f1_samples, last_epochs: 3}}\n")
        XCTAssertEqual(plan.spec.train.objective.lastEpochs, 3)
        XCTAssertEqual(try Support.plan(try plan.spec.resolvedYAML()).trials.map(\.id), plan.trials.map(\.id))
        XCTAssertNotEqual(plan.trials.map(\.id), try Support.plan("name: a\n").trials.map(\.id))
        XCTAssertEqual(try Support.plan("name: a\ntrain: {objective: {metric: f1_samples, last_epochs: 0}}\n").trials.map(\.id),
                       try Support.plan("name: a\n").trials.map(\.id))
        let o = plan.spec.train.objective
        XCTAssertEqual(o.runValue([0.9, 0.5, 0.2, .nan, 0.4], best: 0.9) ?? 0, 0.3, accuracy: 1e-15, "mean of the finite ones of the last 3")
        XCTAssertEqual(Objective().runValue([0.1, 0.5], best: 0.5), 0.5)
        XCTAssertEqual(Support.issues("name: a\ntrain: {objective: {metric: f1_samples, last_epochs: -1}}\n").first?.keyPath,
                       "train.objective.last_epochs")
    }

    func testBadValuesAreLocated() {
        for (text, key) in [("name: a\nrepeats: 0\n", "repeats"), ("name: a\ndata: {folds: 1}\n", "data.folds"),
                            ("name: a\ndata: {test: 1}\n", "data.test"), ("name: a\nrank_by: median\n", "rank_by"),
                            ("name: a\nrefit: maybe\n", "refit"), ("name: a\ntrain: {threshold: tuned}\n", "train.threshold")] {
            let issues = Support.issues(text)
            XCTAssertEqual(issues.count, 1, text)
            XCTAssertEqual(issues.first?.keyPath, key, text)
        }
    }
}
