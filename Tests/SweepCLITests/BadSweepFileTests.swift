import Foundation
import XCTest

/// Bad sweep files through `sweep run` (and `sweep validate`): one stderr line per problem,
/// `file:LINE:COL: key.path: reason`, a non-zero exit status, and nothing written.
final class BadSweepFileTests: CLITestCase {
    /// A valid file; each case changes one line (or adds one) and says where the error must point.
    func template() -> [String] {
        [
            "name: bad",                               // 1
            "data:",                                   // 2
            "  format: miml",                          // 3
            "  path: \(dataSet.dataPath)",             // 4
            "  synthesize_if_missing: false",          // 5
            "backbone:",                               // 6
            "  weights: random",                       // 7
            "  cache: cache",                          // 8
            "train:",                                  // 9
            "  epochs: 2",                             // 10
            "  batch_size: 8",                         // 11
            "  head: {depth: 1, dropout: 0.3}",        // 12
            "  optimizer: {name: adam, lr: 0.001}",    // 13
            "  loss: {name: bce, pos_weight: auto}",   // 14
            "  metrics: [f1_samples]",                 // 15
            "grid:",                                   // 16
            "  lr: [0.001, 0.01]",                     // 17
        ]
    }

    struct Case {
        var label: String
        /// Line number to replace (1-based), or `template.count + 1` to append.
        var line: Int
        var text: String
        /// The key path the error must name; empty for YAML syntax errors.
        var key: String
        /// Words the reason must contain.
        var reason: String
    }

    let cases: [Case] = [
        Case(label: "unknown key", line: 18, text: "learning_rate: 0.1", key: "learning_rate", reason: "unknown key"),
        Case(label: "typo in a nested key", line: 13, text: "  optimiser: {name: adam, lr: 0.001}", key: "train.optimiser",
             reason: "did you mean 'optimizer'"),
        Case(label: "wrong type", line: 10, text: "  epochs: two", key: "train.epochs", reason: "integer"),
        Case(label: "negative lr", line: 13, text: "  optimizer: {name: adam, lr: -0.001}", key: "train.optimizer.lr", reason: "> 0"),
        Case(label: "negative lr in the grid", line: 17, text: "  lr: [0.001, -0.01]", key: "grid.lr[1]", reason: "> 0"),
        Case(label: "dropout 1.0", line: 12, text: "  head: {depth: 1, dropout: 1.0}", key: "train.head.dropout", reason: "[0, 1)"),
        Case(label: "negative depth", line: 12, text: "  head: {depth: -1, dropout: 0.3}", key: "train.head.depth", reason: ">= 0"),
        Case(label: "zero epochs", line: 10, text: "  epochs: 0", key: "train.epochs", reason: ">= 1"),
        Case(label: "empty grid", line: 17, text: "  lr: []", key: "grid.lr", reason: "empty"),
        Case(label: "unknown grid parameter", line: 17, text: "  learning_rate: [0.1]", key: "grid.learning_rate",
             reason: "unknown training parameter"),
        Case(label: "unknown loss", line: 14, text: "  loss: {name: bcee}", key: "train.loss.name", reason: "unknown loss 'bcee'"),
        Case(label: "bad loss parameter", line: 14, text: "  loss: {name: bce, pos_weight: sometimes}", key: "train.loss.pos_weight",
             reason: "sometimes"),
        Case(label: "unknown metric", line: 15, text: "  metrics: [f1_samples, f2_samples]", key: "train.metrics[1]",
             reason: "unknown metric 'f2_samples'"),
        Case(label: "missing data path", line: 4, text: "  path: no/such/folder", key: "data.path", reason: "does not exist"),
        Case(label: "missing weights file", line: 7, text: "  weights: missing.pth", key: "backbone.weights", reason: "missing.pth"),
        Case(label: "zero workers", line: 18, text: "workers: 0", key: "workers", reason: ">= 1"),
        Case(label: "malformed YAML", line: 11, text: "  batch_size: 8: 9", key: "", reason: "malformed YAML"),
        Case(label: "duplicate key", line: 11, text: "  epochs: 3", key: "train.epochs", reason: "duplicate key 'epochs' (first at line 10)"),
    ]

    func testEachBadSweepFileGivesOneLineNamingKeyAndLineAndWritesNothing() throws {
        // The unchanged template is valid: each case's error comes from its one change.
        try template().joined(separator: "\n").appending("\n").write(to: work.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        assertExit(try run(["validate", "bad.yaml"], timeout: 120), 0, "the unchanged template")

        for c in cases {
            var lines = template()
            if c.line == lines.count + 1 { lines.append(c.text) } else { lines[c.line - 1] = c.text }
            try lines.joined(separator: "\n").appending("\n").write(to: work.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)

            let outcome = try run(["run", "bad.yaml"], timeout: 120)
            XCTAssertFalse(outcome.signaled, "\(c.label): \(outcome.statusText)")
            XCTAssertNotEqual(outcome.status, 0, "\(c.label): exit status 0")
            XCTAssertEqual(outcome.stderrLines.count, 1, "\(c.label): one line per problem, got:\n\(outcome.stderr)")
            let message = outcome.stderrLines.first ?? ""
            XCTAssertTrue(message.hasPrefix("bad.yaml:\(c.line):"), "\(c.label): not at line \(c.line): \(message)")
            XCTAssertNotNil(message.range(of: #"^bad\.yaml:\d+:\d+: "#, options: .regularExpression), "\(c.label): \(message)")
            if !c.key.isEmpty {
                XCTAssertTrue(message.contains(":\(c.line):") && message.contains(": \(c.key): "), "\(c.label): key \(c.key) not named: \(message)")
            }
            XCTAssertTrue(message.contains(c.reason), "\(c.label): reason '\(c.reason)' missing: \(message)")

            let validate = try run(["validate", "bad.yaml"], timeout: 120)
            XCTAssertEqual(validate.status, 1, "\(c.label): validate")
            XCTAssertEqual(validate.stderrLines, outcome.stderrLines, "\(c.label): validate and run disagree")

            let written = try FileManager.default.contentsOfDirectory(atPath: work.path).sorted()
            XCTAssertEqual(written, ["bad.yaml"], "\(c.label): left files behind")
        }
    }

    /// A bad `--set` value is named by its argument; the file itself is fine.
    func testBadOverrideNamesTheArgument() throws {
        try template().joined(separator: "\n").appending("\n").write(to: work.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let outcome = try run(["run", "bad.yaml", "--set", "train.head.dropout=1.5"], timeout: 120)
        XCTAssertFalse(outcome.signaled)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertEqual(outcome.stderrLines.count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderrLines.first?.hasPrefix("--set train.head.dropout=1.5: train.head.dropout: ") ?? false, outcome.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), ["bad.yaml"])
    }
}
