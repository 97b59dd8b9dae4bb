#!/usr/bin/env bash
# Side-by-side benchmark: `qemu-img bench` over iSCSI against tgt and Cistern, same RAM-backed file.
#
#   scripts/bench.sh [--tgt-only] [--repeats N] [--out FILE]
#
# Cases: 4 KiB random read and write at queue depth 32, 1 MiB sequential read and write at depth 8.
# qemu-img bench is sequential; "random" is a prime stride (-S 4096*PRIME) that wraps modulo the device
# size, so every 4 KiB block is visited once per pass. The device is opened as
# json:{"driver":"raw","size":N,"file":{"driver":"iscsi",...}} with N a whole number of MiB.
# Both targets run for the whole benchmark on the same backing file under /dev/shm; only one is driven
# at a time, and the order alternates per repeat (tgt first on odd repeats, Cistern first on even)
# to cancel drift. The table gives the median of the repeats and the Cistern/tgt ratio.
#
# Cistern is started with CISTERN_CMD (run by bash, in the foreground; it must serve CISTERN_FILE as
# LUN CISTERN_LUN on 127.0.0.1:CISTERN_PORT). Default:
#   "$ROOT/bin/cistern" run --config "$WORK/cistern.conf"   (a config serving CISTERN_FILE, written here)
# Without a launcher the script says so and exits 3; --tgt-only measures tgt alone.
#
# Environment: BENCH_DIR (default /dev/shm), SIZE_MIB (1024), REPEATS (5), TGT_PORT (13281),
#   CISTERN_PORT (13282), CISTERN_LUN (0), CISTERN_IQN (default: discovered with iscsi-ls),
#   COUNT_4K (200000), COUNT_1M (4000), CASE_TIMEOUT (120 s per qemu-img bench run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/tgt.sh
. "$ROOT/scripts/lib/tgt.sh"

TGT_ONLY=0
REPEATS=${REPEATS:-5}
OUT=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --tgt-only) TGT_ONLY=1; shift;;
        --repeats) REPEATS=$2; shift 2;;
        --out) OUT=$2; shift 2;;
        *) echo "usage: $0 [--tgt-only] [--repeats N] [--out FILE]" >&2; exit 2;;
    esac
done
[[ $REPEATS =~ ^[1-9][0-9]?$ ]] || { echo "bench: --repeats must be 1..99" >&2; exit 2; }

BENCH_DIR=${BENCH_DIR:-/dev/shm}
SIZE_MIB=${SIZE_MIB:-1024}
TGT_PORT=${TGT_PORT:-13281}
export CISTERN_PORT=${CISTERN_PORT:-13282}
CISTERN_LUN=${CISTERN_LUN:-0}
COUNT_4K=${COUNT_4K:-200000}
COUNT_1M=${COUNT_1M:-4000}
CASE_TIMEOUT=${CASE_TIMEOUT:-120}
PRIME=7919   # stride 4096*7919: coprime with the 4 KiB block count of any power-of-two MiB size
SIZE=$(( SIZE_MIB << 20 ))

for tool in qemu-img tgtd tgtadm iscsi-inq iscsi-ls timeout; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done
if (( SIZE_MIB * 256 % PRIME == 0 )); then
    echo "bench: SIZE_MIB*256 must not be a multiple of $PRIME" >&2
    exit 2
fi

if (( ! TGT_ONLY )); then
    if [[ -z ${CISTERN_CMD:-} ]]; then
        if [[ ! -x $ROOT/bin/cistern ]]; then
            echo "bench: the Cistern launcher $ROOT/bin/cistern is not there yet; set CISTERN_CMD or run with --tgt-only" >&2
            exit 3
        fi
        # A config naming the same RAM-backed file as tgt's LUN (written below, once WORK exists).
        CISTERN_CMD='"$ROOT/bin/cistern" run --config "$WORK/cistern.conf"'
    fi
fi

WORK=$(mktemp -d "$BENCH_DIR/cistern-bench.XXXXXX")
CISTERN_PID=""
cleanup() {
    tgt_stop
    if [[ -n $CISTERN_PID ]]; then
        kill -TERM "$CISTERN_PID" 2>/dev/null || true
        for (( i = 0; i < 50; i++ )); do kill -0 "$CISTERN_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$CISTERN_PID" 2>/dev/null || true
        wait "$CISTERN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The backing file, filled with incompressible data so reads are of real bytes.
export CISTERN_FILE=$WORK/lun.img CISTERN_SIZE=$SIZE WORK ROOT
cat >"$WORK/cistern.conf" <<CONF
cistern {
  data-dir = "$WORK"
  targets.bench {
    iqn = "iqn.2026-11.io.cistern:bench"
    portals = ["127.0.0.1:$CISTERN_PORT"]
    luns = [ { lun = $CISTERN_LUN, file = "$CISTERN_FILE" } ]
  }
}
CONF
head -c "$SIZE" /dev/urandom >"$CISTERN_FILE"

tgt_start "$TGT_PORT" "$CISTERN_FILE"
declare -A PORTAL IQN LUN
PORTAL[tgt]=127.0.0.1:$TGT_PORT; IQN[tgt]=$TGT_IQN; LUN[tgt]=1
TARGETS=(tgt)

if (( ! TGT_ONLY )); then
    echo "bench: starting Cistern: $CISTERN_CMD" >&2
    ( cd "$ROOT" && exec bash -c "$CISTERN_CMD" ) </dev/null >"$WORK/cistern.log" 2>&1 &
    CISTERN_PID=$!
    # Ready means: a login and an INQUIRY succeed (at most 60 s).
    up=0
    for (( i = 0; i < 120; i++ )); do
        kill -0 "$CISTERN_PID" 2>/dev/null || break
        if (exec 3<>"/dev/tcp/127.0.0.1/$CISTERN_PORT") 2>/dev/null; then
            iqn=${CISTERN_IQN:-$(timeout 10 iscsi-ls "iscsi://127.0.0.1:$CISTERN_PORT" 2>/dev/null | sed -n 's/^Target:\([^ ]*\).*/\1/p' | head -n1 || true)}
            if [[ -n $iqn ]] && timeout 10 iscsi-inq "iscsi://127.0.0.1:$CISTERN_PORT/$iqn/$CISTERN_LUN" >/dev/null 2>&1; then
                CISTERN_IQN=$iqn
                up=1
                break
            fi
        fi
        sleep 0.5
    done
    if (( ! up )); then
        echo "bench: Cistern did not serve LUN $CISTERN_LUN on 127.0.0.1:$CISTERN_PORT within 60 s:" >&2
        tail -n 30 "$WORK/cistern.log" >&2
        exit 3
    fi
    PORTAL[cistern]=127.0.0.1:$CISTERN_PORT; IQN[cistern]=$CISTERN_IQN; LUN[cistern]=$CISTERN_LUN
    TARGETS+=(cistern)
fi

for t in "${TARGETS[@]}"; do
    timeout 20 iscsi-inq "iscsi://${PORTAL[$t]}/${IQN[$t]}/${LUN[$t]}" >/dev/null \
        || { echo "bench: $t does not answer INQUIRY" >&2; exit 3; }
done

image() {
    printf 'json:{"driver":"raw","size":%d,"file":{"driver":"iscsi","transport":"tcp","portal":"%s","target":"%s","lun":%d}}' \
        "$SIZE" "${PORTAL[$1]}" "${IQN[$1]}" "${LUN[$1]}"
}

# Cases: name, qemu-img bench arguments, count, bytes per request.
CASES=(rr4k rw4k sr1m sw1m)
declare -A ARGS COUNT BYTES TITLE
ARGS[rr4k]="-d 32 -s 4096 -S $(( 4096 * PRIME ))";       COUNT[rr4k]=$COUNT_4K; BYTES[rr4k]=4096
ARGS[rw4k]="-w -d 32 -s 4096 -S $(( 4096 * PRIME ))";    COUNT[rw4k]=$COUNT_4K; BYTES[rw4k]=4096
ARGS[sr1m]="-d 8 -s 1048576";                            COUNT[sr1m]=$COUNT_1M; BYTES[sr1m]=1048576
ARGS[sw1m]="-w -d 8 -s 1048576";                         COUNT[sw1m]=$COUNT_1M; BYTES[sw1m]=1048576
TITLE[rr4k]="4 KiB random read, QD32"; TITLE[rw4k]="4 KiB random write, QD32"
TITLE[sr1m]="1 MiB sequential read, QD8"; TITLE[sw1m]="1 MiB sequential write, QD8"

# run_one TARGET CASE: prints the seconds qemu-img bench reports.
run_one() {
    local t=$1 c=$2 out secs
    # shellcheck disable=SC2086  # ARGS holds several words on purpose
    out=$(timeout -k 5 "$CASE_TIMEOUT" qemu-img bench -t none -c "${COUNT[$c]}" ${ARGS[$c]} "$(image "$t")" 2>&1) || {
        echo "bench: qemu-img bench failed on $t ($c):" >&2
        echo "$out" >&2
        return 1
    }
    secs=$(sed -n 's/^Run completed in \([0-9.]*\) seconds\./\1/p' <<<"$out")
    [[ -n $secs ]] || { echo "bench: no timing from qemu-img bench on $t ($c): $out" >&2; return 1; }
    echo "$secs"
}

declare -A SAMPLES
for c in "${CASES[@]}"; do
    for (( r = 1; r <= REPEATS; r++ )); do
        order=("${TARGETS[@]}")
        if (( r % 2 == 0 && ${#TARGETS[@]} == 2 )); then order=(cistern tgt); fi
        for t in "${order[@]}"; do
            secs=$(run_one "$t" "$c")
            SAMPLES[$t,$c]+="$secs "
            echo "bench: $c $t repeat $r: ${secs}s" >&2
        done
    done
done

# median of the per-run rates: IOPS for 4 KiB cases, MB/s (10^6) for 1 MiB cases.
rate() {
    local c=$1 t=$2
    tr ' ' '\n' <<<"${SAMPLES[$t,$c]}" | awk -v n="${COUNT[$c]}" -v b="${BYTES[$c]}" '
        NF { r = (b == 4096) ? n / $1 : n * b / $1 / 1e6; v[++k] = r }
        END {
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
            med = (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
            printf "%.0f %.0f %.0f\n", med, v[1], v[k]
        }'
}

report() {
    echo "## qemu-img bench over iSCSI, $(date -u +%Y-%m-%d)"
    echo
    echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(free -h | awk '/^Mem:/ { print $2 }') RAM, kernel $(uname -r)"
    echo "- clients/peers: $(dpkg-query -W -f '${Package} ${Version}, ' qemu-utils tgt 2>/dev/null)backing file ${SIZE_MIB} MiB on $BENCH_DIR (tmpfs)"
    echo "- $REPEATS repeats per case, alternating the target order; median (min-max) of the repeats"
    echo "- counts: ${COUNT_4K} requests per 4 KiB run, ${COUNT_1M} per 1 MiB run; random = stride 4096*$PRIME wrapping the device"
    echo
    if (( ${#TARGETS[@]} == 2 )); then
        echo "| case | unit | tgt | Cistern | Cistern/tgt |"
        echo "|---|---|---|---|---|"
    else
        echo "| case | unit | tgt |"
        echo "|---|---|---|"
    fi
    local c unit tm tl th cm cl ch
    for c in "${CASES[@]}"; do
        unit=$([[ ${BYTES[$c]} == 4096 ]] && echo IOPS || echo MB/s)
        read -r tm tl th < <(rate "$c" tgt)
        if (( ${#TARGETS[@]} == 2 )); then
            read -r cm cl ch < <(rate "$c" cistern)
            printf '| %s | %s | %s (%s-%s) | %s (%s-%s) | %s |\n' "${TITLE[$c]}" "$unit" "$tm" "$tl" "$th" \
                "$cm" "$cl" "$ch" "$(awk -v a="$cm" -v b="$tm" 'BEGIN { printf "%.2f", a / b }')"
        else
            printf '| %s | %s | %s (%s-%s) |\n' "${TITLE[$c]}" "$unit" "$tm" "$tl" "$th"
        fi
    done
    echo
    echo "Command: \`scripts/bench.sh$( (( TGT_ONLY )) && echo ' --tgt-only') --repeats $REPEATS\`"
}

if [[ -n $OUT ]]; then
    mkdir -p "$(dirname "$OUT")"
    report | tee "$OUT"
else
    report
fi
