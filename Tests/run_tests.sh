#!/usr/bin/env bash
# `make test`'s test phases, then one summary line over all of them:
#   tests: N passed, M failed, K skipped (<test>: <reason>; ...)
# written last to stdout and to .build/test-results/summary.txt (for .ci/run).
#
# Phases: the Swift test suite (unit tests and the end-to-end tests of the release binary), then
# the shell tests under Tests/e2e/, then the Slurm tests on a real one-node cluster. A shell test counts its `ok: <what>` / `FAIL: <what>` lines
# (each check it makes), or is one test when it prints none; a non-zero exit without a `FAIL:`
# line counts as one failure. A skipped Swift test must go through
# SweepTestSupport.ReportedSkip (a bare XCTSkip would be counted as passed by `swift test
# --parallel`): this script refuses to run when one is used.
#
# Usage: Tests/run_tests.sh [--only-slurm]   (SWIFT=path to swift; SWEEP_BINARY defaults to .build/release/sweep)
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SWIFT="${SWIFT:-swift}"
OUT="$ROOT/.build/test-results"
rm -rf "$OUT"
mkdir -p "$OUT"
export SWEEP_BINARY="${SWEEP_BINARY:-$ROOT/.build/release/sweep}"
export SWEEP="$SWEEP_BINARY"   # the shell tests' name for it
export SWEEP_TEST_SKIP_LOG="$OUT/skips.txt"
: >"$SWEEP_TEST_SKIP_LOG"

passed=0
failed=0
failures=()

summary() {
    local skipped line reasons
    skipped=$(grep -c . "$SWEEP_TEST_SKIP_LOG" || true)
    # swift test --parallel counts a skipped test as passed
    passed=$((passed - skipped))
    line="tests: $passed passed, $failed failed, $skipped skipped"
    if [ "$skipped" -gt 0 ]; then
        reasons=$(paste -sd ';' "$SWEEP_TEST_SKIP_LOG" | sed 's/;/; /g')
        line="$line ($reasons)"
    fi
    echo
    [ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
    echo "$line" | tee "$OUT/summary.txt"
}

# Every skip is reported.
bare=$(grep -rn "XCTSkip(" Tests --include='*.swift' || true)
if [ -n "$bare" ]; then
    echo "a test skips with a bare XCTSkip (use ReportedSkip.skip so the summary names it):" >&2
    echo "$bare" >&2
    failed=$((failed + 1)); failures+=("bare-XCTSkip")
    summary
    exit 1
fi

# xunit results of one `swift test` run: adds to passed/failed and names the failures.
count_xunit() {  # xml file, exit status, phase name
    local xml="$1" status="$2" bad=0 total
    if [ -f "$xml" ]; then
        total=$(grep -o '<testcase ' "$xml" | wc -l)
        bad=$(grep -c '<failure' "$xml" || true)
        passed=$((passed + total - bad))
        failed=$((failed + bad))
        for t in $(grep -B1 '<failure' "$xml" | sed -n 's/.*classname="\([^"]*\)" name="\([^"]*\)".*/\1.\2/p'); do failures+=("$t"); done
    fi
    if [ "$status" -ne 0 ] && { [ ! -f "$xml" ] || [ "$bad" -eq 0 ]; }; then
        # the suite did not run to the end (a build error or a crash outside a test)
        failed=$((failed + 1)); failures+=("$3(exit $status)")
    fi
}

# The Slurm tests run alone, on a one-node cluster started for them and stopped after (they
# drain the node and count its jobs).
slurm_phase() {
    echo "== Slurm tests on a one-node cluster (Tests/slurm/cluster-up.sh)"
    if ! Tests/slurm/cluster-up.sh 2>&1 | tee "$OUT/slurm-up.log"; then
        failed=$((failed + 1)); failures+=("slurm-cluster-up")
        Tests/slurm/cluster-down.sh >/dev/null 2>&1
        return
    fi
    # one test at a time (xunit output needs --parallel; one worker keeps them apart)
    "$SWIFT" test --parallel --num-workers 1 --filter SlurmTests --xunit-output "$OUT/slurm.xml" 2>&1 | tee "$OUT/slurm-test.log"
    local status=${PIPESTATUS[0]}
    Tests/slurm/cluster-down.sh 2>&1 | tee -a "$OUT/slurm-up.log"
    count_xunit "$OUT/slurm.xml" "$status" slurm-tests
}

if [ "${1:-}" = "--only-slurm" ]; then
    slurm_phase
    summary
    [ "$failed" -eq 0 ]
    exit
fi

echo "== swift test (unit tests, end-to-end tests of $SWEEP_BINARY)"
"$SWIFT" test --parallel --skip SlurmTests --xunit-output "$OUT/xunit.xml" 2>&1 | tee "$OUT/swift-test.log"
count_xunit "$OUT/xunit.xml" "${PIPESTATUS[0]}" swift-test

for script in Tests/e2e/*.sh; do
    name=$(basename "$script" .sh)
    echo "== $script"
    CONFIG=release "$script" 2>&1 | tee "$OUT/$name.log"
    status=${PIPESTATUS[0]}
    p=$(grep -c '^ok: ' "$OUT/$name.log" || true)
    f=$(grep -c '^FAIL: ' "$OUT/$name.log" || true)
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        if [ "$status" -eq 0 ]; then p=1; else f=1; fi
    elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -gt 0 ] && failures+=("$name")
done

slurm_phase

summary
[ "$failed" -eq 0 ]
