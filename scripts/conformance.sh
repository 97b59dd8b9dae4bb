#!/usr/bin/env bash
# Run libiscsi's conformance suite (iscsi-test-cu) against one iSCSI LUN and score it.
#
#   scripts/conformance.sh [--only SUITE[,SUITE...]] <iscsi-url> <outdir>
#
# One iscsi-test-cu process per ALL.<suite>, each under `timeout`. A suite whose process crashes or
# times out, or that leaves tests without a verdict, is re-run test by test. The verdict of a test is
# CUnit's: the word right after "..." on its "Test:" line, or a line that starts with "passed"/"FAILED"
# (test output is indented, so "    [FAILED] ..." log lines are not verdicts). A passed test with a
# "[SKIPPED]" line before its verdict counts as skipped.
#
# Writes to <outdir>:
#   results.tsv   one line per distinct test: ALL.Suite.Test <TAB> passed|failed|skipped <TAB> reason
#   summary.md    counts and the failed/skipped tests with their reasons
#   raw/          the output of every iscsi-test-cu process
# Exit status: 0 no test failed, 1 some test failed, 2 usage error or target unreachable.
#
# Environment (all optional):
#   SUITE_TIMEOUT   seconds per suite process (default 120)
#   TEST_TIMEOUT    seconds per single-test process when re-running a suite (default 60)
#   TOTAL_BUDGET    seconds for the whole run (default 900); suites not started within it are failed
#   ISCSI_TEST_CU   the binary (default iscsi-test-cu)
#   EXTRA_ARGS      more arguments for iscsi-test-cu (e.g. "-S" to allow SANITIZE)
set -euo pipefail

SUITE_TIMEOUT=${SUITE_TIMEOUT:-120}
TEST_TIMEOUT=${TEST_TIMEOUT:-60}
TOTAL_BUDGET=${TOTAL_BUDGET:-900}
ISCSI_TEST_CU=${ISCSI_TEST_CU:-iscsi-test-cu}
read -r -a EXTRA <<<"${EXTRA_ARGS:-}"

usage() { echo "usage: $0 [--only SUITE[,SUITE...]] <iscsi-url> <outdir>" >&2; exit 2; }

ONLY=""
if [[ ${1:-} == --only ]]; then
    [[ $# -ge 2 ]] || usage
    ONLY=$2
    shift 2
fi
[[ $# -eq 2 ]] || usage
URL=$1
OUT=$2

for tool in "$ISCSI_TEST_CU" iscsi-inq timeout awk; do
    command -v "$tool" >/dev/null || { echo "conformance: $tool not found" >&2; exit 2; }
done

mkdir -p "$OUT/raw"
RESULTS="$OUT/results.tsv"
SUMMARY="$OUT/summary.md"
: >"$RESULTS"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The target must answer an INQUIRY before we spend minutes on it.
if ! timeout 20 iscsi-inq "$URL" >"$OUT/raw/inquiry.txt" 2>&1; then
    echo "conformance: target does not answer INQUIRY at $URL:" >&2
    cat "$OUT/raw/inquiry.txt" >&2
    exit 2
fi

# Every distinct test, as listed by the client: ALL.Suite.Test (ALL holds each test exactly once).
timeout 20 "$ISCSI_TEST_CU" -l | awk -F. '/^ALL\.[^.]+\.[^.]+$/' >"$WORK/all-tests"
if [[ -n $ONLY ]]; then
    pattern=$(tr ',' '\n' <<<"$ONLY" | sed 's/^/^ALL\\./; s/$/\\./' | paste -sd'|')
    grep -E "$pattern" "$WORK/all-tests" >"$WORK/tests" || { echo "conformance: no suite matches $ONLY" >&2; exit 2; }
else
    cp "$WORK/all-tests" "$WORK/tests"
fi
cut -d. -f2 "$WORK/tests" | awk '!seen[$0]++' >"$WORK/suites"

# parse SUITE_LOG: print "ALL.Suite.Test<TAB>verdict<TAB>reason" for every test that got a verdict.
parse() {
    awk '
    function flush() {
        if (name == "") return
        if (verdict == "") { name = ""; return }
        if (verdict == "passed" && skip != "") { verdict = "skipped"; reason = skip }
        else if (verdict == "passed") reason = ""
        else if (reason == "") reason = assertion
        gsub(/\t/, " ", reason)
        printf "ALL.%s.%s\t%s\t%s\n", suite, name, verdict, reason
        name = ""
    }
    # Record a verdict seen at position `rest` (text following the dots or a whole line).
    function verdict_from(rest) {
        if (rest ~ /^passed/) { verdict = "passed"; return 1 }
        if (rest ~ /^FAILED/) { verdict = "failed"; return 1 }
        return 0
    }
    # Log lines of the test body (before its verdict): remember the first skip and failure reasons.
    function body(text) {
        if (verdict != "") return
        if (skip == "" && match(text, /\[SKIPPED\][^\r]*/)) skip = substr(text, RSTART + 10, RLENGTH - 10)
        if (reason == "" && match(text, /\[FAILED\][^\r]*/)) reason = substr(text, RSTART + 9, RLENGTH - 9)
    }
    /^Suite: / { flush(); suite = substr($0, 8); sub(/[ \r]+$/, "", suite); next }
    /^Run Summary/ { flush(); next }
    /^  Test: / {
        flush()
        line = substr($0, 9)
        i = index(line, " ...")
        if (i == 0) next
        name = substr(line, 1, i - 1); verdict = ""; skip = ""; reason = ""; assertion = ""
        rest = substr(line, i + 4)
        if (!verdict_from(rest)) body(rest)
        next
    }
    name == "" { next }
    verdict == "" && verdict_from($0) { next }
    verdict == "failed" && assertion == "" && /^    1\. / { assertion = substr($0, 8); next }
    { body($0) }
    END { flush() }
    ' "$1" | sed 's/[[:space:]]*$//'
}

# run_cu LOG TIMEOUT TESTSPEC: one iscsi-test-cu process; prints its exit status.
run_cu() {
    local log=$1 limit=$2 spec=$3 rc=0
    timeout -k 5 "$limit" "$ISCSI_TEST_CU" -d -v "${EXTRA[@]}" --test="$spec" "$URL" </dev/null >"$log" 2>&1 || rc=$?
    echo "$rc"
}

describe_rc() {
    case $1 in
        124|137) echo "timed out";;
        0|1) echo "no verdict printed";;
        *) if (( $1 > 128 )); then echo "client killed by signal $(( $1 - 128 ))"; else echo "client exited with status $1"; fi;;
    esac
}

START=$SECONDS
while read -r suite; do
    grep "^ALL\.$suite\." "$WORK/tests" >"$WORK/suite-tests"
    if (( SECONDS - START >= TOTAL_BUDGET )); then
        awk -v OFS='\t' '{ print $0, "failed", "not run: total time budget exhausted" }' "$WORK/suite-tests" >>"$RESULTS"
        continue
    fi
    log="$OUT/raw/$suite.log"
    rc=$(run_cu "$log" "$SUITE_TIMEOUT" "ALL.$suite")
    parse "$log" >"$WORK/suite-results"
    # Keep only tests of this suite (the listing is the authority on names).
    awk -F'\t' 'NR == FNR { want[$1] = 1; next } ($1 in want) && !seen[$1]++' \
        "$WORK/suite-tests" "$WORK/suite-results" >"$WORK/suite-ok"
    cut -f1 "$WORK/suite-ok" | sort >"$WORK/have"
    sort "$WORK/suite-tests" | comm -23 - "$WORK/have" >"$WORK/missing"
    if [[ $rc != 0 && $rc != 1 ]] || [[ -s $WORK/missing ]]; then
        echo "conformance: suite $suite: $(describe_rc "$rc"); re-running it test by test" >&2
        # Keep verdicts from the suite run only if the process ended normally; a crash may be blamed
        # on a test that printed "passed" just before it, so re-run everything then.
        if [[ $rc == 0 || $rc == 1 ]]; then
            cat "$WORK/suite-ok" >>"$RESULTS"
        else
            : >"$WORK/suite-ok"; cp "$WORK/suite-tests" "$WORK/missing"
        fi
        while read -r test; do
            if (( SECONDS - START >= TOTAL_BUDGET )); then
                printf '%s\tfailed\tnot run: total time budget exhausted\n' "$test" >>"$RESULTS"
                continue
            fi
            tlog="$OUT/raw/$test.log"
            trc=$(run_cu "$tlog" "$TEST_TIMEOUT" "$test")
            parse "$tlog" | awk -F'\t' -v t="$test" '$1 == t' | head -n1 >"$WORK/one"
            if [[ -s $WORK/one ]] && [[ $trc == 0 || $trc == 1 ]]; then
                cat "$WORK/one" >>"$RESULTS"
            else
                printf '%s\tfailed\t%s\n' "$test" "$(describe_rc "$trc")" >>"$RESULTS"
            fi
        done <"$WORK/missing"
    else
        cat "$WORK/suite-ok" >>"$RESULTS"
    fi
done <"$WORK/suites"
ELAPSED=$(( SECONDS - START ))

count() { awk -F'\t' -v v="$1" '$2 == v' "$RESULTS" | wc -l | tr -d ' '; }
TOTAL=$(wc -l <"$RESULTS" | tr -d ' ')
PASSED=$(count passed)
FAILED=$(count failed)
SKIPPED=$(count skipped)

{
    echo "# libiscsi conformance: $URL"
    echo
    echo "- client: $(dpkg-query -W -f '${Package} ${Version}' libiscsi-bin 2>/dev/null || echo "$ISCSI_TEST_CU")"
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), runtime: ${ELAPSED}s"
    echo
    echo "| tests | passed | failed | skipped |"
    echo "|---|---|---|---|"
    echo "| $TOTAL | $PASSED | $FAILED | $SKIPPED |"
    echo
    echo "## Failed"
    echo
    awk -F'\t' '$2 == "failed" { printf "- `%s`: %s\n", $1, $3 }' "$RESULTS"
    echo
    echo "## Skipped"
    echo
    awk -F'\t' '$2 == "skipped" { printf "- `%s`: %s\n", $1, $3 }' "$RESULTS"
} >"$SUMMARY"

echo "conformance: $TOTAL tests: $PASSED passed, $FAILED failed, $SKIPPED skipped in ${ELAPSED}s ($SUMMARY)"
[[ $FAILED == 0 ]]
