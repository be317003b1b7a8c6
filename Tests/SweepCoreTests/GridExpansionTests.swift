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
        XCTAssertEqual(plan.trials.map(\.id), plan.trials.map(\.config.id))
        XCTAssertEqual(Set(plan.trials.map(\.id)).count, 54)
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
