# Shared by the benchmark scripts (sourced): summarizing samples and judging them against goals.

# stats "v1 v2 ...": median min max
stats() {
    tr ' ' '\n' <<<"$1" | awk 'NF { v[++k] = $1 }
        END {
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
            med = (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
            printf "%.0f %.0f %.0f\n", med, v[1], v[k]
        }'
}

# median "v1 v2 ...": the first of stats' three
median() { stats "$1" | cut -d' ' -f1; }

# ratio A B: A / B to two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# verdict RATIO GOAL: met if RATIO >= GOAL, else missed
verdict() { awk -v r="$1" -v g="$2" 'BEGIN { print (r >= g) ? "met" : "missed" }'; }

# CPU milliseconds a process has used so far (all its threads, user + system).
proc_cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1000 / hz }' "/proc/$1/stat"
}

# CPU milliseconds the hypervisor has taken from this machine so far (steal time, all CPUs): a run
# that lost much of it measured the host's other guests as well as ours.
steal_ms() {
    awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.0f\n", $9 * 1000 / hz }' /proc/stat
}

# CPU milliseconds a JVM's JIT compiler threads have used so far: compiling in a timed run is
# warm-up, not the steady state a daemon serves in, so the reports show how much of it was left.
# HotSpot adds and retires compiler threads with the load; a retired thread's time leaves the sum,
# so a difference across a run can come out low, never high.
jit_cpu_ms() {
    local t total=0 hz
    hz=$(getconf CLK_TCK)
    for t in /proc/"$1"/task/*; do
        [[ $(cat "$t/comm" 2>/dev/null) == C[12]\ CompilerThre* ]] || continue
        total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null || echo 0) ))
    done
    echo $(( total * 1000 / hz ))
}

# sum_of "v1 v2 ...": their sum
sum_of() { tr ' ' '\n' <<<"$1" | awk 'NF { s += $1 } END { printf "%.0f\n", s }'; }

# ensure_jar NAME JAR: builds the daemon jar when it is missing or older than any main source or
# pom of the tree. A run must measure the code of the tree it reports: session 20 compared branches
# with a jar left from another checkout.
ensure_jar() {
    local name=$1 jar=$2 root
    root=$(cd "$(dirname "$jar")/../.." && pwd)
    if [[ -f $jar ]] && [[ -z $(find "$root" -path '*/src/main/*' -newer "$jar" -print -quit) ]] \
            && [[ -z $(find "$root" -maxdepth 2 -name pom.xml -newer "$jar" -print -quit) ]]; then
        return 0
    fi
    echo "$name: building $jar (missing or older than the sources)" >&2
    (cd "$root" && mvn -q -B -DskipTests -pl daemon -am package) >&2
}
