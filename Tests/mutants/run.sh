#!/usr/bin/env bash
# make mutants: a mutation check of the test suite. Each mutant in Tests/mutants/mutants.txt is a
# small change to one source line; it is applied to a scratch copy of the tree (never to the
# working tree), the copy is built, and the mutant's tests are run there. A mutant is killed when
# a test fails; it survives when its tests pass (a mutant that does not build is a mistake in the
# list, reported as such). Prints one line per mutant
# and the kill rate over the mutants not marked equivalent; exits 1 when a non-equivalent mutant
# survives.
#
# Usage: Tests/mutants/run.sh [ID ...]     (default: every mutant)
#        SWIFT=path/to/swift, MUTANTS_DIR=scratch folder (default .build-mutants)
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SWIFT="${SWIFT:-swift}"
LIST="$ROOT/Tests/mutants/mutants.txt"
SCRATCH="${MUTANTS_DIR:-$ROOT/.build-mutants}"
TREE="$SCRATCH/tree"
LOGS="$SCRATCH/logs"
ONLY=("$@")

# --- read the list: blocks of "key: value" lines separated by blank lines
declare -a IDS FILES FINDS REPLACES TESTS BINARY EQUIV
n=0
flush() {
    if [ -n "${cur_id:-}" ]; then
        IDS[n]="$cur_id"; FILES[n]="$cur_file"; FINDS[n]="$cur_find"; REPLACES[n]="$cur_replace"
        TESTS[n]="$cur_tests"; BINARY[n]="${cur_binary:-no}"; EQUIV[n]="${cur_equivalent:-no}"
        n=$((n + 1))
    fi
    cur_id=""; cur_file=""; cur_find=""; cur_replace=""; cur_tests=""; cur_binary=""; cur_equivalent=""
}
flush
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        "#"*) continue ;;
        "") flush; continue ;;
    esac
    key="${line%%:*}"; value="${line#*: }"
    case "$key" in
        id) cur_id="$value" ;; file) cur_file="$value" ;; find) cur_find="$value" ;;
        replace) cur_replace="$value" ;; tests) cur_tests="$value" ;; binary) cur_binary="$value" ;;
        equivalent) cur_equivalent="$value" ;; note) ;;
        *) echo "mutants.txt: unknown key '$key' in: $line" >&2; exit 2 ;;
    esac
done <"$LIST"
flush

selected() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local id; for id in "${ONLY[@]}"; do [ "$id" = "$1" ] && return 0; done
    return 1
}

count_in() { FIND="$2" perl -0ne 'BEGIN{$n=0} $n += () = /\Q$ENV{FIND}\E/g; END{print $n}' "$1"; }

# --- the scratch copy: the files git tracks or would track, as they are in the working tree
mkdir -p "$TREE" "$LOGS"
echo "scratch copy in $TREE"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$TREE" -xf -
# every mutation must apply to exactly one place
bad=0
for ((i = 0; i < n; i++)); do
    selected "${IDS[i]}" || continue
    f="$TREE/${FILES[i]}"
    if [ ! -f "$f" ]; then echo "mutant ${IDS[i]}: no file ${FILES[i]}" >&2; bad=1; continue; fi
    c=$(count_in "$f" "${FINDS[i]}")
    [ "$c" = 1 ] || { echo "mutant ${IDS[i]}: '${FINDS[i]}' occurs $c times in ${FILES[i]} (must be once)" >&2; bad=1; }
done
[ $bad = 0 ] || exit 2
[ "${MUTANTS_CHECK_ONLY:-}" = 1 ] && { echo "mutants.txt: $n mutants, each applies once"; exit 0; }

build() {  # $1: yes to build the release binary too
    (cd "$TREE" && "$SWIFT" build --build-tests) >"$LOGS/build.log" 2>&1 || return 1
    if [ "$1" = yes ]; then
        (cd "$TREE" && "$SWIFT" build -c release --product sweep) >>"$LOGS/build.log" 2>&1 || return 1
    fi
}
run_tests() {  # $1: filter; $2: log file
    (cd "$TREE" && SWEEP_BINARY="$TREE/.build/release/sweep" "$SWIFT" test --skip-build --filter "$1") >"$2" 2>&1
}

# --- the unmutated copy must pass every selected mutant's tests
echo "building the unmutated copy (release binary and tests)"
build yes || { echo "the unmutated copy does not build: $LOGS/build.log" >&2; exit 2; }
for ((i = 0; i < n; i++)); do
    selected "${IDS[i]}" || continue
    if ! run_tests "${TESTS[i]}" "$LOGS/baseline-${IDS[i]}.log"; then
        echo "the tests of ${IDS[i]} (${TESTS[i]}) fail without any mutation: $LOGS/baseline-${IDS[i]}.log" >&2
        exit 2
    fi
done

killed=0; survived=0; equivalent=0; stillborn=0; total=0; survivors=()
start=$(date +%s)
for ((i = 0; i < n; i++)); do
    selected "${IDS[i]}" || continue
    id="${IDS[i]}"; f="$TREE/${FILES[i]}"
    total=$((total + 1))
    cp "$f" "$f.orig"
    FIND="${FINDS[i]}" REPL="${REPLACES[i]}" perl -0pi -e 's/\Q$ENV{FIND}\E/$ENV{REPL}/' "$f"
    t0=$(date +%s)
    if ! build "${BINARY[i]}"; then
        verdict="DOES NOT BUILD"; cp "$LOGS/build.log" "$LOGS/$id.build.log"
    elif run_tests "${TESTS[i]}" "$LOGS/$id.log"; then
        verdict="SURVIVED"
    else
        verdict="killed"
    fi
    mv "$f.orig" "$f"
    touch "$f"   # newer than the mutant's build products, so the next build compiles it again
    case "$verdict" in
        killed) killed=$((killed + 1)) ;;
        "DOES NOT BUILD") stillborn=$((stillborn + 1)); survivors+=("$id(build)") ;;
        SURVIVED)
            if [ "${EQUIV[i]}" = yes ]; then equivalent=$((equivalent + 1)); verdict="survived (equivalent, see mutants.txt)"
            else survived=$((survived + 1)); survivors+=("$id"); fi ;;
    esac
    printf '%-34s %-40s %4ss  %s\n' "$id" "$verdict" "$(($(date +%s) - t0))" "${FILES[i]}"
done
# leave the scratch copy unmutated and built
build yes >/dev/null 2>&1

scored=$((total - equivalent - stillborn))
rate=$([ $scored -gt 0 ] && echo "$((100 * killed / scored))" || echo 100)
echo
echo "mutants: $total, killed $killed, survived $survived, equivalent $equivalent, not building $stillborn; kill rate ${rate}% of non-equivalent mutants ($(( $(date +%s) - start )) s)"
if [ $survived -gt 0 ] || [ $stillborn -gt 0 ]; then
    echo "survivors: ${survivors[*]} (logs in $LOGS)"
    exit 1
fi
