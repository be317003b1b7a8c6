#!/usr/bin/env bash
# End-to-end test of plugin discovery: a throw-away plugin folder under plugins/ (a loss and a
# metric) is picked up by a plain rebuild (no Package.swift edit), listed by `sweep plugins`, and
# passes `sweep plugins check`; a second folder with a wrong gradient and a row-order-dependent
# metric is reported with those properties and exit status 1. Then the gate and code identities:
# `sweep validate` and `sweep run` refuse a sweep using the failing loss (exit 1, the property
# named, nothing written) and accept it with --allow-failing-plugins, which is recorded; after
# the loss is fixed (and a comment of the good loss edited) and the package rebuilt, `sweep run`
# reruns exactly the trials that used the fixed loss. The folders are always removed and the
# package rebuilt at the end, so the tree is left as it was.
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
    local status=${1:-$?}
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
trap 'st=$?; rm -rf "$WORK"; cleanup $st' EXIT
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

# --- the gate: a sweep that uses the failing loss (beside bce and the good loss) is refused
cat >"$WORK/gate.yaml" <<YAML
name: gate_e2e
data: {format: miml, path: $WORK/data, validation: 0.25}
backbone: {weights: random, cache: $WORK/cache}
train:
  epochs: 2
  batch_size: 4
  metrics: [f1_samples]
grid:
  loss: [bce, ${TAG}_loss, ${TAG}_bad_loss]
  lr: [0.001, 0.01]
workers: 1
YAML
GATE="$WORK/results/gate_e2e"
for cmd in validate run; do
    extra=(); [ "$cmd" = run ] && extra=(--results "$WORK/results")
    set +e
    "$BIN/sweep" $cmd "$WORK/gate.yaml" "${extra[@]}" >"$WORK/gate.out" 2>"$WORK/gate.err"
    STATUS=$?
    set -e
    [ "$STATUS" -eq 1 ] || { cat "$WORK/gate.err"; fail "sweep $cmd exited $STATUS for a sweep using a failing loss, expected 1"; }
    grep -q "FAIL  loss ${TAG}_bad_loss: gradient:" "$WORK/gate.err" || { cat "$WORK/gate.err"; fail "sweep $cmd does not name the failing property"; }
    grep -q -- "--allow-failing-plugins" "$WORK/gate.err" || fail "sweep $cmd does not mention the override"
    grep -q "${TAG}_loss:" "$WORK/gate.err" && fail "sweep $cmd reports the good loss as failing"
done
[ -e "$GATE" ] && fail "a refused sweep run wrote $GATE"
"$BIN/sweep" validate "$WORK/gate.yaml" --allow-failing-plugins >"$WORK/gate.out" 2>"$WORK/gate.err" \
    || { cat "$WORK/gate.err"; fail "sweep validate --allow-failing-plugins failed"; }
grep -q "^ok: 6 trials" "$WORK/gate.out" || fail "validate --allow-failing-plugins does not say ok"
grep -q "^warning: " "$WORK/gate.err" || fail "validate --allow-failing-plugins does not warn"
echo "ok: run and validate refuse a sweep using a failing loss, naming the property"

"$BIN/sweep" run "$WORK/gate.yaml" --results "$WORK/results" --allow-failing-plugins >"$WORK/gate.log" 2>&1 \
    || { cat "$WORK/gate.log"; fail "sweep run --allow-failing-plugins failed"; }
grep -q "PLUGINS THAT FAIL THE SHARED SUITE" "$GATE/ABOUT.txt" || fail "ABOUT.txt does not record the override"
grep -q "${TAG}_bad_loss: gradient:" "$GATE/ABOUT.txt" || fail "ABOUT.txt does not name the failing property"
grep -q "pluginCheckFailures" "$GATE/context.json" || fail "context.json does not record the override"
# one line per record: trial id, loss name, whether it lists plugin check failures (keys are sorted)
records() {
    while IFS= read -r line; do
        id="$(grep -oE '"id":"[0-9a-f]{12}"' <<<"$line" | head -1 | cut -d'"' -f4)"
        loss="$(grep -oE '"parameters":\{"loss":"[^"]*"' <<<"$line" | cut -d'"' -f6)"
        if grep -q '"plugin_check_failures"' <<<"$line"; then echo "$id $loss failures"; else echo "$id $loss clean"; fi
    done <"$1"
}
records "$GATE/trials.jsonl" >"$WORK/records1"
[ "$(wc -l <"$WORK/records1")" -eq 6 ] || { cat "$WORK/records1"; fail "expected 6 records"; }
[ "$(grep -c " ${TAG}_bad_loss failures$" "$WORK/records1")" -eq 2 ] || { cat "$WORK/records1"; fail "the failing loss's trials do not record the failures"; }
[ "$(grep -c " clean$" "$WORK/records1")" -eq 4 ] || { cat "$WORK/records1"; fail "trials of passing plugins record failures"; }
echo "ok: --allow-failing-plugins runs the sweep and records the failures in ABOUT.txt, context.json and the affected records"

# --- fix the failing loss's gradient, edit only a comment of the good loss, rebuild: exactly the
# trials of the fixed loss run again, under new ids; the others are kept
sed -i 's|gradient?\[i\] = Float(-(1 / (1 + exp(-x)) - y) / Double(n))|gradient?[i] = Float((1 / (1 + exp(-x)) - y) / Double(n))|' "$BAD/Bad.swift"
grep -q 'Float((1 / (1 + exp(-x)) - y)' "$BAD/Bad.swift" || fail "could not fix the test loss"
sed -i 's|^/// Squared error between sigmoid(logits) and the targets, mean over all elements.|/// Squared error of sigmoid(logits) against the targets (mean over all cells); only this comment changed.|' "$GOOD/Loss.swift"
grep -q "only this comment changed" "$GOOD/Loss.swift" || fail "could not edit the comment"
echo "rebuilding with the fixed loss"
build || fail "build with the fixed loss"
"$BIN/sweep" plugins check "${TAG}_bad_loss" >/dev/null || fail "the fixed loss still fails the suite"
"$BIN/sweep" run "$WORK/gate.yaml" --results "$WORK/results" >"$WORK/gate2.log" 2>&1 \
    || { cat "$WORK/gate2.log"; fail "sweep run after the fix failed"; }
grep -q "resuming: 4 of 6 trials already finished" "$WORK/gate2.log" || { cat "$WORK/gate2.log"; fail "not exactly the fixed loss's trials reran"; }
records "$GATE/trials.jsonl" >"$WORK/records2"
head -6 "$WORK/records2" | cmp -s - "$WORK/records1" || fail "the earlier records changed"
tail -n +7 "$WORK/records2" >"$WORK/new"
[ "$(wc -l <"$WORK/new")" -eq 2 ] || { cat "$WORK/records2"; fail "expected 2 new records"; }
[ "$(grep -c " ${TAG}_bad_loss clean$" "$WORK/new")" -eq 2 ] || { cat "$WORK/new"; fail "the new records are not the fixed loss's, or still list failures"; }
while read -r id _; do grep -q "^$id " "$WORK/records1" && fail "rerun trial $id kept its old id"; done <"$WORK/new"
grep -q "PLUGINS THAT FAIL" "$GATE/ABOUT.txt" && fail "ABOUT.txt still reports failing plugins after the fix"
"$BIN/sweep" run "$WORK/gate.yaml" --results "$WORK/results" >"$WORK/gate3.log" 2>&1 || fail "third run failed"
grep -q "nothing to do: all 6 trials" "$WORK/gate3.log" || { cat "$WORK/gate3.log"; fail "a third run did not find every trial finished"; }
echo "ok: after fixing the loss and rebuilding, exactly its trials ran again (a comment edit reran nothing)"
