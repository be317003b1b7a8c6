#!/usr/bin/env bash
# End-to-end test of plugin discovery: a throw-away plugin folder under plugins/ (a loss and a
# metric) is picked up by a plain rebuild (no Package.swift edit), listed by `sweep plugins`, and
# passes `sweep plugins check`; a second folder with a wrong gradient and a row-order-dependent
# metric is reported with those properties and exit status 1. The folders are always removed and
# the package rebuilt at the end, so the tree is left as it was.
#
# Usage: Tests/e2e/plugin_folder_test.sh            (CONFIG=debug|release, default release;
#                                                    SWIFT=path to swift, default swift)
set -euo pipefail

CONFIG="${CONFIG:-release}"
SWIFT="${SWIFT:-swift}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
TAG="e2e_$$"
GOOD="plugins/${TAG}_good"
BAD="plugins/${TAG}_bad"

build() { "$SWIFT" build -c "$CONFIG" --product sweep >"$ROOT/.build/e2e_plugin_build.log" 2>&1 || { cat "$ROOT/.build/e2e_plugin_build.log"; return 1; }; }
fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
    local status=$?
    rm -rf "$GOOD" "$BAD"
    echo "cleaning up: removed the test plugins, rebuilding"
    build || status=1
    if "$BIN/sweep" plugins | grep -q "$TAG"; then echo "FAIL: test plugins still listed after cleanup" >&2; status=1; fi
    exit $status
}
mkdir -p .build
BIN="$("$SWIFT" build -c "$CONFIG" --show-bin-path)"
trap cleanup EXIT

# --- a good loss and metric, in two files; the comment, string and nested type must not confuse discovery
mkdir -p "$GOOD"
cat >"$GOOD/Loss.swift" <<SWIFT
import Foundation
import SweepPluginAPI

// struct NotAPlugin: LossPlugin {   <- a comment, not a declaration
/// Squared error between sigmoid(logits) and the targets, mean over all elements.
struct ${TAG}Loss: LossPlugin {
    static let name = "${TAG}_loss"
    static let summary = "squared error of sigmoid probabilities { with a brace in a string"
    static let parameters = [ParameterSpec("scale", .number, default: .number(1), range: 0...10, "multiplier")]
    static let examples = [LossExample(logits: [0], targets: [1], rows: 1, columns: 1, expected: 0.25)]
    struct Nested: Sendable {}
    let scale: Double
    init(parameters: PluginParameters, context: LossContext) throws { scale = parameters.number("scale", default: 1) }
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let n = rows * columns
        var sum = 0.0
        for i in 0..<n {
            let x = Double(logits[i]), p = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
            let d = p - Double(targets[i])
            sum += scale * d * d
            gradient?[i] = Float(scale * 2 * d * p * (1 - p) / Double(n))
        }
        return sum / Double(n)
    }
}
SWIFT
cat >"$GOOD/Metric.swift" <<SWIFT
import SweepPluginAPI

/// Share of true labels among all cells: a property of the targets only.
struct ${TAG}Metric {}
extension ${TAG}Metric: MetricPlugin {
    static let name = "${TAG}_metric"
    static let summary = "label density \"{\" of the targets"
    static let higherIsBetter = true
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double {
        Double(input.targets.reduce(0) { \$0 + Int(\$1) }) / Double(input.rows * input.columns)
    }
}
SWIFT

echo "building with a new plugin folder ($CONFIG)"
build || fail "build with $GOOD"
LIST="$("$BIN/sweep" plugins)"
grep -qE "^loss +${TAG}_loss " <<<"$LIST" || fail "sweep plugins does not list ${TAG}_loss"
grep -qE "^metric +${TAG}_metric " <<<"$LIST" || fail "sweep plugins does not list ${TAG}_metric"
grep -q "scale = 1" <<<"$LIST" || fail "sweep plugins does not show the parameter scale = 1"
grep -q "NotAPlugin" <<<"$LIST" && fail "a commented-out declaration was registered"
"$BIN/sweep" plugins check "${TAG}_loss" "${TAG}_metric" || fail "sweep plugins check fails for the good plugins"
echo "ok: the new folder's plugins are listed and pass the suite"

# --- usable by name in a sweep file: a one-trial sweep on a tiny synthetic data set
WORK="$(mktemp -d)"
trap 'st=$?; rm -rf "$WORK"; (exit $st); cleanup' EXIT
"$BIN/sweep" data synth "$WORK/data" --images 16 --seed 3 >/dev/null
cat >"$WORK/plugin.yaml" <<YAML
name: plugin_e2e
data: {format: miml, path: $WORK/data, validation: 0.25}
backbone: {weights: random, cache: $WORK/cache}
train:
  epochs: 2
  batch_size: 4
  loss: {name: ${TAG}_loss, scale: 2}
  metrics: [f1_samples, ${TAG}_metric]
  objective: {metric: ${TAG}_metric, direction: max}
workers: 1
YAML
"$BIN/sweep" run "$WORK/plugin.yaml" --results "$WORK/results" >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "a sweep naming the new plugins failed"; }
grep -q "val_${TAG}_metric" "$WORK/results/plugin_e2e/leaderboard.csv" || fail "the leaderboard has no column for ${TAG}_metric"
grep -q '"state":"complete"' "$WORK/results/plugin_e2e/trials.jsonl" || fail "the trial using ${TAG}_loss did not complete"
echo "ok: a sweep file names the new loss (with a parameter) and metric, and the trial completes"

# --- a failing loss and metric
mkdir -p "$BAD"
cat >"$BAD/Bad.swift" <<SWIFT
import Foundation
import SweepPluginAPI

/// BCE whose gradient has the wrong sign.
struct ${TAG}BadLoss: LossPlugin {
    static let name = "${TAG}_bad_loss"
    static let summary = "bce with a wrong gradient"
    init(parameters: PluginParameters, context: LossContext) throws {}
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let n = rows * columns
        var sum = 0.0
        for i in 0..<n {
            let x = Double(logits[i]), y = Double(targets[i])
            sum += max(x, 0) - x * y + log1p(exp(-abs(x)))
            gradient?[i] = Float(-(1 / (1 + exp(-x)) - y) / Double(n))
        }
        return sum / Double(n)
    }
}

/// The first row's first score: depends on the order of the rows.
struct ${TAG}BadMetric: MetricPlugin {
    static let name = "${TAG}_bad_metric"
    static let summary = "first score"
    static let higherIsBetter = true
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double { input.scores[0] }
}
SWIFT

echo "building with a failing plugin folder"
build || fail "build with $BAD"
set +e
OUT="$("$BIN/sweep" plugins check "${TAG}_bad_loss" "${TAG}_bad_metric" "${TAG}_loss")"
STATUS=$?
set -e
echo "$OUT"
[ "$STATUS" -eq 1 ] || fail "sweep plugins check exited $STATUS for failing plugins, expected 1"
grep -q "FAIL  loss ${TAG}_bad_loss: gradient:" <<<"$OUT" || fail "the wrong gradient is not reported"
grep -q "FAIL  metric ${TAG}_bad_metric: row_order:" <<<"$OUT" || fail "the row-order dependence is not reported"
grep -q "ok    loss ${TAG}_loss:" <<<"$OUT" || fail "the good loss is not reported as ok beside failing ones"
echo "ok: failing plugins are reported with their property and exit status 1"
