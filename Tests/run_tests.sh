#!/usr/bin/env bash
# `make test`'s test phases, then one summary line over all of them:
#   tests: N passed, M failed, K skipped (<test>: <reason>; ...)
# written last to stdout and to .build/test-results/summary.txt (for .ci/run).
#
# Phases: the Swift test suite (unit tests and the end-to-end tests of the release binary) with
# the Slurm tests on a real one-node cluster beside it, then the shell tests under Tests/e2e/. A shell test counts its `ok: <what>` / `FAIL: <what>` lines
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

STARTED=$SECONDS
# each phase header says when it starts, in seconds since this script began
at() { echo "(at +$((SECONDS - STARTED)) s)"; }
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

# The Slurm tests run on a one-node cluster started for them and stopped after, one test at a
# time (they drain the node and count its jobs), straight from the test bundle (a second `swift
# test` would wait for the first's lock on .build). They mostly wait on the cluster, so they run
# beside the main suite; each writes its outcome to $OUT/slurm.status.
run_slurm() {
    if ! Tests/slurm/cluster-up.sh >"$OUT/slurm-up.log" 2>&1; then
        echo "cluster-up" >"$OUT/slurm.status"
        Tests/slurm/cluster-down.sh >>"$OUT/slurm-up.log" 2>&1
        return
    fi
    "$XCTEST" SweepCLITests.SlurmTests >"$OUT/slurm-test.log" 2>&1
    echo "$?" >"$OUT/slurm.status"
    Tests/slurm/cluster-down.sh >>"$OUT/slurm-up.log" 2>&1
}

# Counts what run_slurm left (XCTest's own lines: "Test Case 'C.t' passed|failed|skipped (...)").
count_slurm() {
    echo "== Slurm tests on a one-node cluster (Tests/slurm/cluster-up.sh; beside the suite above)"
    cat "$OUT/slurm-up.log" 2>/dev/null
    local status
    status=$(cat "$OUT/slurm.status" 2>/dev/null || echo "no-status")
    if [ "$status" = "cluster-up" ]; then
        failed=$((failed + 1)); failures+=("slurm-cluster-up")
        return
    fi
    grep -E "^Test Case .*(passed|failed|skipped) \(" "$OUT/slurm-test.log" 2>/dev/null
    local p f
    p=$(grep -cE "^Test Case '[^']*' (passed|skipped) \(" "$OUT/slurm-test.log" 2>/dev/null || true)
    f=$(grep -cE "^Test Case '[^']*' failed \(" "$OUT/slurm-test.log" 2>/dev/null || true)
    passed=$((passed + p))
    failed=$((failed + f))
    for t in $(sed -n "s/^Test Case '\([^']*\)' failed (.*/\1/p" "$OUT/slurm-test.log" 2>/dev/null); do failures+=("$t"); done
    if [ "$status" != 0 ] && [ "$f" -eq 0 ]; then
        grep -E "error|Fatal|fatal" "$OUT/slurm-test.log" | tail -5
        failed=$((failed + 1)); failures+=("slurm-tests(exit $status)")
    fi
}

echo "== swift build --build-tests $(at)"
"$SWIFT" build --build-tests 2>&1 | tee "$OUT/swift-build.log"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
    failed=$((failed + 1)); failures+=("swift-build")
    summary
    exit 1
fi
XCTEST="$("$SWIFT" build --show-bin-path)/sweepPackageTests.xctest"

if [ "${1:-}" = "--only-slurm" ]; then
    run_slurm
    count_slurm
    summary
    [ "$failed" -eq 0 ]
    exit
fi

run_slurm &
slurm_pid=$!

echo "== swift test (unit tests, end-to-end tests of $SWEEP_BINARY) $(at)"
"$SWIFT" test --parallel --skip-build --skip SlurmTests --xunit-output "$OUT/xunit.xml" 2>&1 | tee "$OUT/swift-test.log"
count_xunit "$OUT/xunit.xml" "${PIPESTATUS[0]}" swift-test

# The shell tests rebuild the binary (the plugin-folder test): the Slurm jobs must be done.
wait "$slurm_pid"
count_slurm

for script in Tests/e2e/*.sh; do
    name=$(basename "$script" .sh)
    echo "== $script $(at)"
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

echo "== all phases done $(at)"
summary
[ "$failed" -eq 0 ]
