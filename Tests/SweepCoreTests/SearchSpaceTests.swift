import SweepCore
import SweepSearch
import XCTest

/// Distributions in `grid:`/`space:`, `search:` and `pruner:`: decoded, refused with
/// file:line:col and key, expanded into random trials with stable ids.
final class SearchSpaceTests: XCTestCase {
    let random = """
        name: s
        search: {method: random, trials: 12, seed: 3}
        space:
          lr: {log_uniform: [1.0e-4, 1.0e-1]}
          dropout: {uniform: [0.0, 0.5]}
          depth: {int: [0, 3]}
          batch_size: {int: [16, 64], step: 16}
          optimizer: [adam, sgd]
        train: {epochs: 2}

        """

    func testRandomTrialsAreDrawnInsideTheSpace() throws {
        let plan = try Support.plan(random)
        XCTAssertEqual(plan.trials.count, 12)
        XCTAssertEqual(plan.spec.search.method, .random)
        XCTAssertEqual(plan.spec.grid.map(\.name), ["lr", "dropout", "depth", "batch_size", "optimizer"])
        XCTAssertEqual(plan.spec.grid[0].distribution, .logUniform(low: 1e-4, high: 1e-1))
        XCTAssertEqual(plan.spec.grid[3].distribution, .int(low: 16, high: 64, step: 16))
        for t in plan.trials {
            let v = t.parameterValues
            let lr = try XCTUnwrap(v["lr"]?.number), dropout = try XCTUnwrap(v["dropout"]?.number)
            XCTAssertTrue(lr >= 1e-4 && lr <= 1e-1)
            XCTAssertTrue(dropout >= 0 && dropout <= 0.5)
            XCTAssertTrue([0, 1, 2, 3].contains(v["depth"]?.number ?? -1))
            XCTAssertTrue([16, 32, 48, 64].contains(v["batch_size"]?.number ?? -1))
            XCTAssertEqual(t.config.train.optimizer.lr, lr)
            XCTAssertEqual(t.config.train.head.dropout, dropout)
            XCTAssertEqual(Double(t.config.train.batchSize), v["batch_size"]?.number)
        }
        XCTAssertEqual(Set(plan.trials.map(\.id)).count, 12)
        XCTAssertTrue(plan.summary.hasPrefix("12 trials drawn at random (seed 3) from lr {log_uniform: [0.0001, 0.1]}"), plan.summary)
        let table = plan.table()
        XCTAssertTrue(table.contains("space: lr {log_uniform: [0.0001, 0.1]}, dropout {uniform: [0, 0.5]}, depth {int: [0, 3]}, "
                                     + "batch_size {int: [16, 64], step: 16}, optimizer [adam, sgd]"), table)
    }

    /// The same file gives the same trials (ids from the drawn values), a longer search starts
    /// with the shorter one's trials (resume continues the sequence), another seed other ones.
    func testTrialsReproduciblePerSeed() throws {
        let a = try Support.plan(random), b = try Support.plan(random)
        XCTAssertEqual(a.trials.map(\.id), b.trials.map(\.id))
        let longer = try Support.plan(random.replacingOccurrences(of: "trials: 12", with: "trials: 30"))
        XCTAssertEqual(Array(longer.trials.prefix(12).map(\.id)), a.trials.map(\.id))
        let other = try Support.plan(random.replacingOccurrences(of: "seed: 3", with: "seed: 4"))
        XCTAssertTrue(Set(other.trials.map(\.id)).isDisjoint(with: a.trials.map(\.id)))
        // `grid:` is the same section under its old name
        let grid = try Support.plan(random.replacingOccurrences(of: "space:", with: "grid:"))
        XCTAssertEqual(grid.trials.map(\.id), a.trials.map(\.id))
    }

    /// The resolved sweep file written to the results folder loads back to the same trials.
    func testResolvedYAMLKeepsTheSpace() throws {
        let plan = try Support.plan(random)
        let yaml = try plan.spec.resolvedYAML()
        XCTAssertTrue(yaml.contains("log_uniform"), yaml)
        let again = try Support.plan(yaml.replacingOccurrences(of: "synthesize_if_missing: false", with: "synthesize_if_missing: false"))
        XCTAssertEqual(again.trials.map(\.id), plan.trials.map(\.id))
        XCTAssertEqual(again.spec.search, plan.spec.search)
    }

    func testTPEPlansItsRandomStartupTrials() throws {
        let plan = try Support.plan(random.replacingOccurrences(of: "method: random, trials: 12", with: "method: tpe, trials: 40"))
        let randomPlan = try Support.plan(random)
        XCTAssertEqual(plan.trials.map(\.id), Array(randomPlan.trials.prefix(10).map(\.id)))
        XCTAssertTrue(plan.summary.hasPrefix("40 trials by TPE (seed 3; the first 10 random) over lr"), plan.summary)
    }

    func testPrunerSettings() throws {
        let plan = try Support.plan(random + "pruner: {method: asha, min_resource: 2, reduction_factor: 2}\n")
        XCTAssertEqual(plan.spec.pruner.method, .asha)
        XCTAssertEqual(plan.spec.pruner.minResource, 2)
        XCTAssertEqual(plan.spec.pruner.reductionFactor, 2)
        XCTAssertEqual(try Support.plan(random + "pruner: median\n").spec.pruner.method, .median)
        XCTAssertTrue(try Support.plan(random + "pruner: median\n").table().contains("pruner: median (after 5 complete trials"))
    }

    struct Case {
        let yaml: String, line: Int, column: Int, path: String, reason: String
    }

    func testBadSpacesRefusedWithLocationAndKey() {
        let head = "name: a\nsearch: random\nspace:\n"
        let cases: [Case] = [
            Case(yaml: head + "  lr: {log_uniform: [0, 0.1]}\n", line: 4, column: 22, path: "space.lr.log_uniform[0]",
                 reason: "must be > 0, got 0"),
            Case(yaml: head + "  dropout: {uniform: [0.1, 1.5]}\n", line: 4, column: 28, path: "space.dropout.uniform[1]",
                 reason: "must be in [0, 1), got 1.5"),
            Case(yaml: head + "  dropout: {uniform: [0.5, 0.1]}\n", line: 4, column: 22, path: "space.dropout.uniform",
                 reason: "needs low < high, got [0.5, 0.1]"),
            Case(yaml: head + "  depth: {int: [0, 3], step: 2}\n", line: 4, column: 16, path: "space.depth.int",
                 reason: "high - low (3) is not a multiple of the step 2; use high 2 or 4"),
            Case(yaml: head + "  depth: {uniform: [0, 3]}\n", line: 4, column: 20, path: "space.depth.uniform",
                 reason: "depth is an integer: use {int: [a, b]} or {log_int: [a, b]}"),
            Case(yaml: head + "  optimizer: {uniform: [0, 1]}\n", line: 4, column: 14, path: "space.optimizer",
                 reason: "optimizer takes a list of values"),
            Case(yaml: head + "  lr: {log_unifrom: [0.001, 0.1]}\n", line: 4, column: 8, path: "space.lr.log_unifrom",
                 reason: "unknown key (did you mean 'log_uniform'?)"),
            Case(yaml: head + "  lr: {uniform: [0.001, 0.1], step: 2}\n", line: 4, column: 31, path: "space.lr.step",
                 reason: "only an int distribution takes a step"),
            Case(yaml: head + "  lr: {uniform: [0.001]}\n", line: 4, column: 17, path: "space.lr.uniform",
                 reason: "must be a list of two bounds [low, high]"),
            Case(yaml: "name: a\ngrid:\n  lr: {log_uniform: [0.001, 0.1]}\n", line: 3, column: 3, path: "grid.lr",
                 reason: "a distribution is drawn from, not enumerated: set search.method to random or tpe"),
            Case(yaml: "name: a\nsearch: {method: tpe, trials: 0}\ngrid: {lr: [0.1]}\n", line: 2, column: 31, path: "search.trials",
                 reason: "must be >= 1, got 0"),
            Case(yaml: "name: a\nsearch: {method: anneal}\n", line: 2, column: 18, path: "search.method",
                 reason: "must be one of grid, random, tpe, got 'anneal'"),
            Case(yaml: "name: a\npruner: {method: asha, reduction_factor: 1}\n", line: 2, column: 42, path: "pruner.reduction_factor",
                 reason: "must be >= 2, got 1"),
            Case(yaml: "name: a\ngrid: {lr: [0.1]}\nspace: {dropout: [0.1]}\n", line: 3, column: 8, path: "space",
                 reason: "give the parameters under one of grid and space, not both"),
            Case(yaml: "name: a\nrace: true\ngrid: {lr: [0.1, 0.01]}\n", line: 2, column: 7, path: "race",
                 reason: "races configurations over their runs: needs repeats > 1 or data.folds > 1"),
            Case(yaml: "name: a\ndata: {folds: 3}\npruner: median\nrace: true\ngrid: {lr: [0.1, 0.01]}\n", line: 4, column: 7,
                 path: "race", reason: "race and pruner both stop work early: choose one"),
            Case(yaml: "name: a\nrepeats: 2\nexecutor: {kind: slurm}\nrace: true\n", line: 4, column: 7, path: "race",
                 reason: "not available with executor.kind slurm yet"),
            Case(yaml: "name: a\nrepeats: 2\nrace: yes please\n", line: 3, column: 7, path: "race", reason: "must be true or false"),
        ]
        for c in cases {
            let issues = Support.issues(c.yaml)
            XCTAssertEqual(issues.count, 1, "\(c.yaml): \(issues)")
            guard let issue = issues.first else { continue }
            XCTAssertEqual(issue.keyPath, c.path, c.yaml)
            XCTAssertEqual(issue.location, .file(path: "sweeps/x.yaml", line: c.line, column: c.column), "\(c.yaml): \(issue)")
            XCTAssertTrue(issue.reason.contains(c.reason), "\(c.yaml): \(issue.reason)")
        }
    }
}

final class SearchExampleTests: XCTestCase {
    /// sweeps/scene-search.yaml validates: TPE over its space, 10 random trials planned, ASHA.
    func testSceneSearchExample() throws {
        let plan = try Support.plan(try Support.text(ofSweep: "scene-search.yaml"))
        XCTAssertEqual(plan.spec.search.method, .tpe)
        XCTAssertEqual(plan.spec.search.trials, 40)
        XCTAssertEqual(plan.trials.count, 10)
        XCTAssertEqual(plan.spec.pruner.method, .asha)
        XCTAssertEqual(plan.spec.grid.map(\.name), ["lr", "eta_min", "dropout", "depth", "t_max"])
        XCTAssertEqual(plan.spec.grid[1].distribution, .logUniform(low: 1e-5, high: 1e-2))
        // a trial proposed during the run resolves like the planned ones
        let made = try XCTUnwrap(plan.makeTrial?(plan.spec.parameters(at: [1e-3, 1e-4, 0.2, 3, 1]), 10))
        XCTAssertEqual(made.config.train.head.depth, 3)
        XCTAssertEqual(made.config.train.schedule.tMax, 10)
        XCTAssertEqual(made.config.train.schedule.etaMin, 1e-4)
        XCTAssertEqual(plan.spec.point(of: made.parameterValues), [1e-3, 1e-4, 0.2, 3, 1])
    }
}
