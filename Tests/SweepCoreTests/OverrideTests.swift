import SweepCore
import SweepPluginAPI
import XCTest

/// `--set KEY=VALUE` overrides: applied before validation, errors name the argument.
final class OverrideTests: XCTestCase {
    func scene(_ overrides: [String]) throws -> SweepPlan {
        try Support.plan(Support.text(ofSweep: "scene.yaml"), overrides: overrides)
    }

    func testOverridesReplaceFileValuesAndGridLists() throws {
        let plan = try scene(["train.epochs=3", "grid.dropout=[0.1,0.5]"])
        XCTAssertEqual(plan.spec.train.epochs, 3)
        XCTAssertEqual(plan.spec.grid.map(\.name), ["dropout", "lr", "t_max", "depth"], "an existing grid key keeps its place")
        XCTAssertEqual(plan.spec.grid[0].values, [.number(0.1), .number(0.5)])
        XCTAssertEqual(plan.trials.count, 2 * 3 * 2 * 3 * 5, "5 folds each")
        XCTAssertTrue(plan.trials.allSatisfy { $0.config.train.epochs == 3 })
    }

    func testOverridesCreateMissingKeysAndSections() throws {
        let plan = try Support.plan("name: a\n", overrides: [
            "train.optimizer.weight_decay=0.01", "grid.loss.gamma=[1, 3]", "train.loss=focal", "backbone.weights=random",
        ])
        XCTAssertEqual(plan.spec.train.optimizer.weightDecay, 0.01)
        XCTAssertEqual(plan.spec.backbone.weights, .random(seed: 0))
        XCTAssertEqual(plan.spec.grid.map(\.name), ["loss.gamma"])
        XCTAssertEqual(plan.trials.map { $0.config.train.loss.parameters["gamma"] }, [.number(1), .number(3)])
    }

    func testSettingASweptTrainParameterFixesIt() throws {
        let plan = try scene(["train.head.dropout=0.1"])
        XCTAssertEqual(plan.spec.grid.map(\.name), ["lr", "t_max", "depth"])
        XCTAssertEqual(plan.trials.count, 18 * 5, "5 folds each")
        XCTAssertTrue(plan.trials.allSatisfy { $0.config.train.head.dropout == 0.1 })
    }

    func testOverrideInsideAShorthandPlugin() throws {
        let plan = try Support.plan("name: a\ntrain:\n  loss: focal\n", overrides: ["train.loss.gamma=3"])
        XCTAssertEqual(plan.spec.train.loss.name, "focal")
        XCTAssertEqual(plan.trials[0].config.train.loss.parameters["gamma"], .number(3))
    }

    func testLaterOverridesWin() throws {
        let plan = try scene(["train.epochs=3", "train.epochs=4"])
        XCTAssertEqual(plan.spec.train.epochs, 4)
    }

    func testBadOverridesNameTheirArgument() {
        let cases: [(argument: String, path: String, reason: String)] = [
            ("train.optimizer.lr=-1", "train.optimizer.lr", "must be > 0, got -1"),
            ("train.epohcs=3", "train.epohcs", "unknown key (did you mean 'epochs'?)"),
            ("grid.dropout=[]", "grid.dropout", "empty list"),
            ("grid.dropout=[0.1, 1]", "grid.dropout[1]", "must be in [0, 1), got 1"),
            ("grid.depth=2", "grid.depth", "must be a list"),
            ("epochs", "", "expected KEY=VALUE"),
            ("train..epochs=3", "train..epochs", "not a key path"),
            ("grid.lr=[0.1", "", "malformed YAML"),
            ("name.first=x", "name", "cannot set 'first' inside it"),
        ]
        for c in cases {
            let issues = Support.issues(Support.sceneText, overrides: [c.argument])
            XCTAssertEqual(issues.count, 1, "\(c.argument): \(issues)")
            guard let issue = issues.first else { continue }
            XCTAssertEqual(issue.location, .argument(c.argument), c.argument)
            XCTAssertEqual(issue.keyPath, c.path, c.argument)
            XCTAssertTrue(issue.reason.contains(c.reason), "\(c.argument): \(issue)")
            XCTAssertTrue(issue.description.hasPrefix("--set \(c.argument): "), issue.description)
        }
    }
}

extension Support {
    static var sceneText: String { (try? text(ofSweep: "scene.yaml")) ?? "" }
}
