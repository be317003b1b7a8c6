import SweepCore
import XCTest

/// Bad sweep files: each gives exactly one one-line error naming the file, line, column,
/// key path and reason. Lines and columns were counted by hand in the texts below.
final class BadSweepFileTests: XCTestCase {
    struct Case {
        let title: String
        let yaml: String
        let line: Int
        let column: Int
        let path: String
        let reason: String
    }

    let cases: [Case] = [
        Case(title: "unknown top-level key", yaml: "name: a\nnmae: b\n",
             line: 2, column: 1, path: "nmae", reason: "unknown key (did you mean 'name'?)"),
        Case(title: "typo in a nested key", yaml: "name: a\ntrain:\n  optimzer: {name: adam}\n",
             line: 3, column: 3, path: "train.optimzer", reason: "unknown key (did you mean 'optimizer'?)"),
        Case(title: "transposed letters two levels down", yaml: "name: a\ntrain:\n  head:\n    dropuot: 0.2\n",
             line: 4, column: 5, path: "train.head.dropuot", reason: "unknown key (did you mean 'dropout'?)"),
        Case(title: "wrong type", yaml: "name: a\ntrain:\n  epochs: ten\n",
             line: 3, column: 11, path: "train.epochs", reason: "must be an integer, got 'ten'"),
        Case(title: "quoted number", yaml: "name: a\ntrain:\n  head: {dropout: \"0.3\"}\n",
             line: 3, column: 19, path: "train.head.dropout", reason: "must be a number, got '0.3'"),
        Case(title: "negative learning rate", yaml: "name: a\ntrain:\n  optimizer:\n    lr: -0.001\n",
             line: 4, column: 9, path: "train.optimizer.lr", reason: "must be > 0, got -0.001"),
        Case(title: "dropout 1.0 in the grid", yaml: "name: a\ngrid:\n  dropout: [0.0, 1.0]\n",
             line: 3, column: 18, path: "grid.dropout[1]", reason: "must be in [0, 1), got 1.0"),
        Case(title: "empty grid list", yaml: "name: a\ngrid:\n  lr: []\n",
             line: 3, column: 7, path: "grid.lr", reason: "empty list"),
        Case(title: "per-class threshold out of range", yaml: "name: a\ntrain: {threshold: [0.5, 1.2]}\n",
             line: 2, column: 26, path: "train.threshold[1]", reason: "must be in (0, 1), got 1.2"),
        Case(title: "empty per-class threshold list", yaml: "name: a\ntrain: {threshold: []}\n",
             line: 2, column: 20, path: "train.threshold", reason: "got an empty list"),
        Case(title: "per-class threshold out of range in the grid", yaml: "name: a\ngrid:\n  threshold: [[0.5, 0.0]]\n",
             line: 3, column: 21, path: "grid.threshold[0][1]", reason: "must be in (0, 1), got 0.0"),
        Case(title: "grid value that is not a list", yaml: "name: a\ngrid:\n  lr: 0.1\n",
             line: 3, column: 7, path: "grid.lr", reason: "must be a list"),
        Case(title: "unknown loss", yaml: "name: a\ntrain:\n  loss: {name: bec}\n",
             line: 3, column: 16, path: "train.loss.name", reason: "unknown loss 'bec' (did you mean 'bce'?)"),
        Case(title: "unknown loss in the grid", yaml: "name: a\ngrid:\n  loss: [bce, focl]\n",
             line: 3, column: 15, path: "grid.loss[1]", reason: "unknown loss 'focl' (did you mean 'focal'?)"),
        Case(title: "unknown metric", yaml: "name: a\ntrain:\n  metrics: [f1_sample]\n",
             line: 3, column: 13, path: "train.metrics[0]", reason: "unknown metric 'f1_sample' (did you mean 'f1_samples'?)"),
        Case(title: "loss parameter out of range", yaml: "name: a\ntrain:\n  loss: {name: focal, gamma: -1}\n",
             line: 3, column: 30, path: "train.loss.gamma", reason: "gamma must be in [0, 10], got -1"),
        Case(title: "unknown loss parameter", yaml: "name: a\ntrain:\n  loss: {name: focal, gama: 1}\n",
             line: 3, column: 23, path: "train.loss.gama", reason: "has no parameter 'gama' (did you mean 'gamma'?"),
        Case(title: "missing data path without synthesis", yaml: "name: a\ndata:\n  path: data/missing\n  synthesize_if_missing: false\n",
             line: 3, column: 9, path: "data.path", reason: "'data/missing' does not exist"),
        Case(title: "malformed YAML (unclosed flow list)", yaml: "name: a\ntrain:\n  metrics: [f1_samples\n  epochs: 3\n",
             line: 4, column: 9, path: "", reason: "malformed YAML"),
        Case(title: "duplicate key", yaml: "name: a\ntrain:\n  epochs: 3\n  batch_size: 4\n  epochs: 5\n",
             line: 5, column: 3, path: "train.epochs", reason: "duplicate key 'epochs' (first at line 3)"),
        Case(title: "negative depth", yaml: "name: a\ntrain:\n  head: {depth: -1}\n",
             line: 3, column: 17, path: "train.head.depth", reason: "must be >= 0, got -1"),
        Case(title: "zero epochs", yaml: "name: a\ntrain: {epochs: 0}\n",
             line: 2, column: 17, path: "train.epochs", reason: "must be >= 1, got 0"),
        Case(title: "batch of one", yaml: "name: a\ntrain: {batch_size: 1}\n",
             line: 2, column: 21, path: "train.batch_size", reason: "must be >= 2, got 1"),
        Case(title: "unknown grid key", yaml: "name: a\ngrid:\n  dropuot: [0.1]\n",
             line: 3, column: 3, path: "grid.dropuot", reason: "unknown training parameter 'dropuot' (did you mean 'dropout'?)"),
        Case(title: "grid key that is not a training parameter", yaml: "name: a\ngrid:\n  validation: [0.2, 0.3]\n",
             line: 3, column: 3, path: "grid.validation", reason: "not a training parameter"),
        Case(title: "same parameter swept twice", yaml: "name: a\ngrid:\n  lr: [0.1]\n  train.optimizer.lr: [0.2]\n",
             line: 4, column: 3, path: "grid.train.optimizer.lr", reason: "as 'lr' at line 3 already does"),
        Case(title: "repeated grid value", yaml: "name: a\ngrid:\n  lr: [0.001, 1.0e-3]\n",
             line: 3, column: 15, path: "grid.lr[1]", reason: "repeats the value 0.001"),
        Case(title: "t_max 0 in the grid", yaml: "name: a\ngrid:\n  t_max: [0, 5]\n",
             line: 3, column: 11, path: "grid.t_max[0]", reason: "must be >= 1, got 0"),
        Case(title: "validation fraction outside (0, 1)", yaml: "name: a\ndata: {validation: 1.5}\n",
             line: 2, column: 20, path: "data.validation", reason: "must be in (0, 1), got 1.5"),
        Case(title: "no workers", yaml: "name: a\nworkers: 0\n",
             line: 2, column: 10, path: "workers", reason: "must be >= 1, got 0"),
        Case(title: "negative retries", yaml: "name: a\nretries: -1\n",
             line: 2, column: 10, path: "retries", reason: "must be >= 0, got -1"),
        Case(title: "cosine without t_max", yaml: "name: a\ntrain:\n  schedule: cosine\n",
             line: 3, column: 13, path: "train.schedule.t_max", reason: "required for the cosine schedule"),
        Case(title: "unknown optimizer", yaml: "name: a\ntrain:\n  optimizer: adma\n",
             line: 3, column: 14, path: "train.optimizer.name", reason: "must be one of adam, adamw, sgd, got 'adma' (did you mean 'adam'?)"),
        Case(title: "missing name", yaml: "train: {epochs: 2}\n",
             line: 1, column: 1, path: "name", reason: "required"),
        Case(title: "name that is not a folder name", yaml: "name: a/b\n",
             line: 1, column: 7, path: "name", reason: "must use only letters"),
        Case(title: "section that is not a mapping", yaml: "name: a\ntrain: 5\n",
             line: 2, column: 8, path: "train", reason: "must be a mapping"),
        Case(title: "misspelt weights", yaml: "name: a\nbackbone: {weights: imagenett}\n",
             line: 2, column: 21, path: "backbone.weights", reason: "(did you mean 'imagenet'?)"),
    ]

    func testEachBadFileGivesOneLocatedOneLineError() {
        XCTAssertGreaterThanOrEqual(cases.count, 12)
        for c in cases {
            let issues = Support.issues(c.yaml)
            XCTAssertEqual(issues.count, 1, "\(c.title): \(issues)")
            guard let issue = issues.first else { continue }
            let line = issue.description
            let prefix = c.path.isEmpty ? "sweeps/x.yaml:\(c.line):\(c.column): " : "sweeps/x.yaml:\(c.line):\(c.column): \(c.path): "
            XCTAssertTrue(line.hasPrefix(prefix), "\(c.title): expected prefix '\(prefix)', got '\(line)'")
            XCTAssertTrue(line.contains(c.reason), "\(c.title): expected '\(c.reason)' in '\(line)'")
            XCTAssertFalse(line.contains("\n"), "\(c.title): not one line")
            XCTAssertEqual(issue.keyPath, c.path, c.title)
            XCTAssertEqual(issue.location, .file(path: "sweeps/x.yaml", line: c.line, column: c.column), c.title)
        }
    }

    func testAllErrorsAreCollectedInFileOrder() {
        let issues = Support.issues("""
            name: a
            train:
              epochs: 0
              head: {depth: -1, dropout: 1.5}
              optimizer: {name: adam, lr: 0}
            grid:
              lr: []
            workers: 0
            """)
        XCTAssertEqual(issues.map(\.keyPath),
                       ["train.epochs", "train.head.depth", "train.head.dropout", "train.optimizer.lr", "grid.lr", "workers"])
        XCTAssertEqual(issues.compactMap(\.location.line), [3, 4, 4, 5, 7, 8])
    }

    func testEveryDuplicateIsReported() {
        let issues = Support.issues("name: a\nseed: 1\ntrain:\n  head: {depth: 1, depth: 2}\nseed: 2\nseed: 3\n")
        XCTAssertEqual(issues.map(\.description).sorted(), [
            "sweeps/x.yaml:4:20: train.head.depth: duplicate key 'depth' (first at line 4)",
            "sweeps/x.yaml:5:1: seed: duplicate key 'seed' (first at line 2)",
            "sweeps/x.yaml:6:1: seed: duplicate key 'seed' (first at line 2)",
        ])
    }

    func testLossParameterThatDoesNotFitAGriddedLoss() {
        // pos_weight is bce's; the grid also tries focal, which has no such parameter.
        let issues = Support.issues("name: a\ntrain:\n  loss: {name: bce, pos_weight: auto}\ngrid:\n  loss: [bce, focal]\n")
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertEqual(issues.first?.keyPath, "grid.loss")
        XCTAssertEqual(issues.first?.location.line, 5)
        XCTAssertTrue(issues.first?.reason.contains("no parameter 'pos_weight'") ?? false, "\(issues)")
    }
}
