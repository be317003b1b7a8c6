#!/usr/bin/env bash
# The HTML report in a real browser: Debian's chromium, headless (installed here when missing).
# Three sweeps are run with the built binary on a tiny synthetic data set with random trunk
# weights: a grid (8 trials), one with complete, diverged (lr 10) and failed (over a small
# trial_timeout) trials, and a single trial; a fourth report is of a copy of the grid's folder
# with one trial's record made `pruned` by hand (sweep cannot prune yet). For each report:
#   - chromium loads it with no console message at all (errors, warnings, logs) and fetches nothing;
#   - Tests/e2e/report_checks.html, loaded in chromium beside it, checks its DOM: one
#     leaderboard row per run with exactly runs.csv's cells, counts, banners,
#     one mark per trial in the parallel-coordinates and in every parameter plot, learning
#     curves of the top configurations, stop markers, the chosen model's tables and PR curves,
#     no NaN coordinates, every SVG text inside its chart, sorting by clicking headers;
#   - its screenshot is not blank (Tests/e2e/png_stats.html counts colours and ink).
# Negative controls show that each kind of check can fail: a report with one leaderboard cell
# changed, one with a console.error, and a blank page.
#
# Prints one "ok: <name>" or "FAIL: <name>: why" line per check (counted by Tests/run_tests.sh); exit status 1 if any failed.
# Usage: Tests/e2e/report_browser_test.sh   (SWEEP=path to the sweep binary, default
#        .build/release/sweep; CHROMIUM=path to the browser, default chromium)
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SWEEP="${SWEEP:-$ROOT/.build/release/sweep}"
CHROMIUM="${CHROMIUM:-chromium}"
HERE="$ROOT/Tests/e2e"
WORK="$(mktemp -d /tmp/sweep-report-test.XXXXXX)"
FAILED=0
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1${2:+: $2}"; FAILED=1; }

# --- the browser
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
    echo "installing chromium (headless browser for the report tests)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    for attempt in 1 2 3; do
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null 2>&1 && break
        $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1 || sleep 10
    done
fi
command -v "$CHROMIUM" >/dev/null 2>&1 || { fail chromium-installed "cannot install chromium"; exit 1; }
[ -x "$SWEEP" ] || { fail sweep-binary "$SWEEP is not built (make build)"; exit 1; }

# Headless chromium; root needs --no-sandbox. Each run has its own profile and ends by itself
# (bounded by timeout, so no browser outlives the test).
browse() {
    local profile; profile="$(mktemp -d "$WORK/profile.XXXXXX")"
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
        --user-data-dir="$profile" --allow-file-access-from-files --hide-scrollbars "$@"
}
# The DOM after load, console messages (any) in $2.
dump() { browse --enable-logging=stderr --v=0 --dump-dom "$1" 2>"$2"; }

# --- data and sweeps
"$SWEEP" data synth "$WORK/miml" --images 40 --seed 7 >/dev/null 2>&1 || { fail data-synth; exit 1; }
sweep_file() {   # name, grid (YAML lines), epochs, trial_timeout, retries
    cat >"$WORK/$1.yaml" <<YAML
name: $1
data: {format: miml, path: $WORK/miml, synthesize_if_missing: false, validation: 0.3, split_seed: 0, stratified: false}
backbone: {name: resnet50, weights: random, fallback: random, cache: $WORK/cache}
train:
  epochs: $3
  batch_size: 8
  head: {depth: 1, dropout: 0.3}
  optimizer: {name: adam, lr: 0.001}
  schedule: {name: cosine, t_max: 5, eta_min: 0.0001, step: batch}
  loss: {name: bce, pos_weight: auto}
  metrics: [f1_samples, roc_auc_samples]
  objective: {metric: f1_samples, split: val, direction: max}
  threshold: 0.5
$2
workers: 2
seed: 0
retries: $5
trial_timeout: $4
YAML
}
run_sweep() {
    (cd "$WORK" && "$SWEEP" run "$1.yaml" >"$WORK/$1.out" 2>&1) && [ -f "$WORK/results/$1/report.html" ] \
        && pass "$1-sweep-writes-report" || { fail "$1-sweep-writes-report" "$(tail -5 "$WORK/$1.out")"; }
}
sweep_file grid $'grid:\n  lr: [0.0001, 0.01]\n  depth: [1, 2]\n  dropout: [0.0, 0.5]' 3 600 1
# lr 10 diverges; 200000 epochs cannot finish within trial_timeout 8 s: failed (no retry)
sweep_file faults $'grid:\n  epochs: [3, 200000]\n  lr: [0.001, 10.0]' 3 8 0
sweep_file single '' 2 600 1
run_sweep grid
run_sweep faults
run_sweep single

states() { tail -n +2 "$WORK/results/$1/runs.csv" | cut -d, -f3 | sort | uniq -c | tr -s ' ' | tr '\n' ';'; }
s="$(states faults)"
[[ "$s" == *"1 complete"* && "$s" == *"diverged"* && "$s" == *"failed"* ]] \
    && pass faults-sweep-has-complete-diverged-failed || fail faults-sweep-has-complete-diverged-failed "states: $s"

# A hand-made pruned trial: the last-ranked complete record of a copy of the grid folder.
cp -r "$WORK/results/grid" "$WORK/results/pruned"
rm -f "$WORK/results/pruned/report.html"
PRUNED="$(tail -n +2 "$WORK/results/pruned/runs.csv" | tail -1 | cut -d, -f2)"
sed -i "/\"id\":\"$PRUNED\"/s/\"state\":\"complete\"/\"state\":\"pruned\"/" "$WORK/results/pruned/trials.jsonl"
grep -q "\"id\":\"$PRUNED\".*\"state\":\"pruned\"\|\"state\":\"pruned\".*\"id\":\"$PRUNED\"" "$WORK/results/pruned/trials.jsonl" \
    || fail pruned-record-made "could not edit the record of $PRUNED"
"$SWEEP" report "$WORK/results/pruned" >/dev/null 2>"$WORK/pruned.err" && pass pruned-sweep-report-command \
    || fail pruned-sweep-report-command "$(cat "$WORK/pruned.err")"

# --- checks of one report
checks() {   # name, query (after report=...)
    local name="$1" report="file://$WORK/results/$1/report.html"
    local dom="$WORK/$name.checks.html"
    dump "file://$HERE/report_checks.html?report=$report&$2" "$WORK/$name.checks.log" >"$dom"
    local results; results="$(sed -n '/<pre id="results">/,/<\/pre>/p' "$dom" | sed 's/<[^>]*>//g')"
    [ -n "$results" ] || { fail "$name-checks-ran" "no results from report_checks.html"; return; }
    while IFS= read -r line; do
        case "$line" in
            PASS\ *) echo "ok: $name-${line#PASS }" ;;
            FAIL\ *) echo "FAIL: $name-${line#FAIL }"; FAILED=1 ;;
            INFO\ *) echo "INFO $name: ${line#INFO }" ;;
        esac
    done <<<"$results"
}
console_clean() {   # name, file URL: the page alone, every console message is a failure
    dump "$2" "$WORK/$1.console.log" >/dev/null
    local messages; messages="$(grep -E ':CONSOLE|Uncaught' "$WORK/$1.console.log" | head -5)"
    [ -z "$messages" ] && pass "$1-no-console-messages" || fail "$1-no-console-messages" "$messages"
}
not_blank() {   # name, file URL
    browse --window-size=1280,2000 --screenshot="$WORK/$1.png" "$2" >/dev/null 2>&1
    local stats; stats="$(dump "file://$HERE/png_stats.html?png=file://$WORK/$1.png" /dev/null | sed -n 's/.*<pre id="stats">\(.*\)<\/pre>.*/\1/p')"
    local colours ink; colours="$(awk '{print $6}' <<<"$stats")"; ink="$(awk '{print $8}' <<<"$stats")"
    if [[ "$colours" =~ ^[0-9]+$ ]] && [ "$colours" -ge 64 ] && awk "BEGIN{exit !($ink >= 0.03)}"; then
        pass "$1-screenshot-not-blank"; echo "INFO $1: screenshot $stats"
    else
        fail "$1-screenshot-not-blank" "${stats:-no stats}"
    fi
}
self_contained() {   # name, file: nothing fetched from elsewhere
    if grep -qiE '(src|href)="(https?:)?//|url\((https?:)?//|@import' "$2"; then
        fail "$1-self-contained" "$(grep -oiE '(src|href)="(https?:)?//[^"]*|url\([^)]*\)|@import[^;]*' "$2" | head -3)"
    else
        pass "$1-self-contained"
    fi
}

for name in grid faults single pruned; do
    page="$WORK/results/$name/report.html"
    console_clean "$name" "file://$page"
    self_contained "$name" "$page"
    not_blank "$name" "file://$page"
done
CSV() { echo "csv=file://$WORK/results/$1/runs.csv"; }
checks grid "$(CSV grid)&params=lr,depth,dropout&synthetic=1&random=1&chosen=1&classes=5"
checks faults "$(CSV faults)&params=epochs,lr&synthetic=1&random=1&chosen=1&classes=5"
checks single "$(CSV single)&synthetic=1&random=1&chosen=1&classes=5"
checks pruned "params=lr,depth,dropout&synthetic=1&random=1&chosen=1&classes=5&pruned=$PRUNED"

# --- negative controls: the checks must catch a wrong cell, a console error and a blank page
mkdir -p "$WORK/results/bad"
sed '0,/<td class="objective">[^<]*</s//<td class="objective">0.123456789</' "$WORK/results/grid/report.html" >"$WORK/results/bad/report.html"
dump "file://$HERE/report_checks.html?report=file://$WORK/results/bad/report.html&$(CSV grid)&params=lr,depth,dropout" /dev/null \
    | grep -q "FAIL leaderboard-cells-equal-csv" && pass harness-catches-a-wrong-cell || fail harness-catches-a-wrong-cell
sed 's|</body>|<script>console.error("deliberate")</script></body>|' "$WORK/results/grid/report.html" >"$WORK/results/bad/noisy.html"
dump "file://$WORK/results/bad/noisy.html" "$WORK/noisy.log" >/dev/null
grep -q ':CONSOLE.*deliberate' "$WORK/noisy.log" && pass harness-catches-a-console-error || fail harness-catches-a-console-error
printf '<!DOCTYPE html><html><body></body></html>' >"$WORK/results/bad/blank.html"
(FAILED=0; not_blank blank "file://$WORK/results/bad/blank.html" | grep -q "^FAIL:") \
    && pass harness-catches-a-blank-page || fail harness-catches-a-blank-page

exit $FAILED
