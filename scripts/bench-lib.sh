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

# ratio A B: A / B to two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# verdict RATIO GOAL: met if RATIO >= GOAL, else missed
verdict() { awk -v r="$1" -v g="$2" 'BEGIN { print (r >= g) ? "met" : "missed" }'; }
