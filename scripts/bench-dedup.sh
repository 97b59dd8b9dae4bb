#!/usr/bin/env bash
# Compression and dedup speed (issue 4): one pool, two volumes side by side in one daemon, over iSCSI:
#   LUN 0 "plain"  compression=off, dedup=off
#   LUN 1 "packed" compression=lz4, dedup=on      (DEDUP=verify to measure verify instead)
#
#   scripts/bench-dedup.sh [--repeats N] [--out FILE] IMAGE
#
# Each repeat starts a daemon on a fresh pool (SHM_DIR, default /dev/shm: the device is not what is
# measured) so that the dedup table starts empty. It first warms the daemon's JIT, untimed, as
# bench-thin's untimed runs per case do: the first WARM_MIB of IMAGE (default all of it) copied into a
# plain and an lz4+dedup volume of each of WARM_PASSES (3) warm-up pools (each its own dedup table).
# JIT compiling per packed pass of the whole image, one daemon, 2 vCPUs (session 16): 4.2, 1.6, 0.42,
# 0.21, 0.17 and 0.14 s, of 12.1, 7.0, 6.3, 6.4, 5.7 and 5.6 s of the daemon's CPU; with one
# warm-up pass (sessions 8-15) the timed pass was the second of these. Then, the two LUNs in
# alternating order:
#   1. 1 MiB sequential write of the OS image: `qemu-img convert -n -m 8` of IMAGE (an image from
#      scripts/os-image.sh), MB/s of the image's size;
#   2. 4 KiB random read QD32 of what was written (compressed fragments on LUN 1): `qemu-img bench`,
#      COUNT_READ requests at a prime stride over the image's extent;
#   3. 4 KiB random write QD32 of unique, half-compressible data (fio 50% compressible buffers,
#      refilled per write, no duplicates: every write is a dedup-table miss and insert, the worst
#      case for dedup) over the image's extent: fio's nbd engine through `qemu-nbd` on the LUN's
#      iscsi:// URL (QEMU's own iSCSI initiator), COUNT_WRITE writes, same offsets on both LUNs.
# Prints a markdown table: medians (min-max) and packed/plain ratios against issue 4's goals.
#
# Environment: SHM_DIR (/dev/shm), REPEATS (5), COUNT_READ (100000), COUNT_WRITE (100000),
#   WARM_MIB (the image's size; 0: no warm-up), WARM_PASSES (3), PORT (13293), CASE_TIMEOUT (300 s), DEDUP (on),
#   CISTERN_JAVA_OPTS (daemon JVM options), CISTERN_MALLOC (jemalloc when installed, as bin/cistern; glibc).
# Needs qemu-img, qemu-nbd, fio (Debian packages qemu-utils, fio), iscsi-inq (libiscsi-bin), python3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/bench-lib.sh
. "$ROOT/scripts/bench-lib.sh"
# shellcheck source=bin/malloc-env
. "$ROOT/bin/malloc-env"   # the daemon's allocator, as bin/cistern runs it
REPEATS=${REPEATS:-5}
OUT=""
while [[ $# -gt 1 ]]; do
    case $1 in
        --repeats) REPEATS=$2; shift 2;;
        --out) OUT=$2; shift 2;;
        *) break;;
    esac
done
[[ $# -eq 1 && -f $1 ]] || { echo "usage: $0 [--repeats N] [--out FILE] IMAGE (from scripts/os-image.sh)" >&2; exit 2; }
IMAGE=$(realpath "$1")
[[ $REPEATS =~ ^[1-9][0-9]?$ ]] || { echo "bench-dedup: --repeats must be 1..99" >&2; exit 2; }
SHM_DIR=${SHM_DIR:-/dev/shm}
COUNT_READ=${COUNT_READ:-100000}
COUNT_WRITE=${COUNT_WRITE:-100000}
PORT=${PORT:-13293}
CASE_TIMEOUT=${CASE_TIMEOUT:-300}
DEDUP=${DEDUP:-on}
WARM_MIB=${WARM_MIB:-}
PRIME=7919
IQN=iqn.2026-11.io.cistern:dedupbench
JAR=$ROOT/daemon/build/cistern.jar
START=$(date +%s)

for tool in qemu-img qemu-nbd fio iscsi-inq python3 timeout java; do
    command -v "$tool" >/dev/null || { echo "bench-dedup: $tool not found" >&2; exit 2; }
done
ensure_jar bench-dedup "$JAR"
IMG_BYTES=$(stat -c %s "$IMAGE")
VOL_MIB=$(( (IMG_BYTES + (1 << 20) - 1) >> 20 ))
WARM_MIB=${WARM_MIB:-$VOL_MIB}
WARM_PASSES=${WARM_PASSES:-3}
[[ $WARM_PASSES =~ ^[1-9]$ ]] || { echo "bench-dedup: WARM_PASSES must be 1..9" >&2; exit 2; }
[[ $WARM_MIB =~ ^[0-9]+$ ]] || { echo "bench-dedup: WARM_MIB must be a number of MiB" >&2; exit 2; }
(( WARM_MIB <= VOL_MIB )) || WARM_MIB=$VOL_MIB

W=""
DAEMON_PID=""
NBD_PID=""
stop_nbd() {
    [[ -n $NBD_PID ]] || return 0
    kill -TERM "$NBD_PID" 2>/dev/null || true
    wait "$NBD_PID" 2>/dev/null || true
    NBD_PID=""
}
stop_daemon() {
    [[ -n $DAEMON_PID ]] || return 0
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    local i
    for (( i = 0; i < 300; i++ )); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
    DAEMON_PID=""
}
cleanup() {
    stop_nbd
    stop_daemon
    [[ -z $W ]] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "bench-dedup: [$(( $(date +%s) - START ))s] $*" >&2; }
url() { echo "iscsi://127.0.0.1:$PORT/$IQN/$1"; }

start_daemon() {
    W=$(mktemp -d "$SHM_DIR/cistern-dedupbench.XXXXXX")
    cat >"$W/cistern.conf" <<CONF
cistern {
  data-dir = "$W"
  api.listen = ["127.0.0.1:0"]
  targets.bench {
    iqn = "$IQN"
    portals = ["127.0.0.1:$PORT"]
    luns = [ { lun = 0, volume = "p/plain" }, { lun = 1, volume = "p/packed" }$(warm_luns) ]
  }
  pools.p {
    file = "p.pool"
    size = $(( VOL_MIB * 3 + 1024 ))M
    volumes {
      plain { size = ${VOL_MIB}M, compression = off, dedup = off }
      packed { size = ${VOL_MIB}M, compression = lz4, dedup = $DEDUP }
    }
  }
$(warm_pools)
}
CONF
    # shellcheck disable=SC2086  # CISTERN_JAVA_OPTS may hold several options
    cistern_malloc_env exec java ${CISTERN_JAVA_OPTS:-} -jar "$JAR" run --config "$W/cistern.conf" \
        </dev/null >"$W/daemon.log" 2>&1 &
    DAEMON_PID=$!
    local i
    for (( i = 0; i < 180; i++ )); do
        kill -0 "$DAEMON_PID" 2>/dev/null || break
        if timeout 10 iscsi-inq "$(url 0)" >/dev/null 2>&1 && timeout 10 iscsi-inq "$(url 1)" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    echo "bench-dedup: the daemon did not come up:" >&2
    tail -n 30 "$W/daemon.log" >&2
    exit 3
}

# seconds COMMAND...: wall seconds of a command that must succeed within CASE_TIMEOUT.
seconds() {
    local t0 out
    t0=$(date +%s.%N)
    out=$(timeout -k 5 "$CASE_TIMEOUT" "$@" 2>&1) || { echo "bench-dedup: failed: $* -> $out" >&2; return 1; }
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'
}

# The warm-up pools w1..wWARM_PASSES: each a plain and an lz4+dedup volume (LUNs 2k and 2k+1),
# each pool its own dedup table, so every warm-up pass stores new blocks as the timed one does.
warm_luns() {
    local k
    for (( k = 1; k <= WARM_PASSES; k++ )); do
        printf ', { lun = %d, volume = "w%d/plain" }, { lun = %d, volume = "w%d/packed" }' $(( 2 * k )) "$k" $(( 2 * k + 1 )) "$k"
    done
}
warm_pools() {
    local k size=$(( WARM_MIB > 0 ? WARM_MIB : 1 ))
    for (( k = 1; k <= WARM_PASSES; k++ )); do
        echo "  pools.w$k { file = \"w$k.pool\", size = $(( WARM_MIB * 2 + 1024 ))M, volumes {"
        echo "    plain { size = ${size}M, compression = off, dedup = off }, packed { size = ${size}M, compression = lz4, dedup = $DEDUP } } }"
    done
}

warm_up() {  # untimed: the first WARM_MIB of the image into each warm-up pool's two volumes
    (( WARM_MIB > 0 )) || return 0
    local bytes=$(( WARM_MIB << 20 < IMG_BYTES ? WARM_MIB << 20 : IMG_BYTES ))
    local src="json:{\"driver\":\"raw\",\"size\":$bytes,\"file\":{\"driver\":\"file\",\"filename\":\"$IMAGE\"}}"
    local lun
    for (( lun = 2; lun < 2 + 2 * WARM_PASSES; lun++ )); do
        seconds qemu-img convert -n -m 8 -O raw "$src" "$(url "$lun")" >/dev/null
    done
}

seq_write() {  # LUN -> MB/s
    local s
    s=$(seconds qemu-img convert -n -m 8 -f raw -O raw "$IMAGE" "$(url "$1")")
    awk -v n="$IMG_BYTES" -v s="$s" 'BEGIN { printf "%.0f", n / s / 1e6 }'
}

rand_read() {  # LUN -> IOPS
    local out secs
    out=$(timeout -k 5 "$CASE_TIMEOUT" qemu-img bench -t none -f raw -d 32 -s 4096 -S $(( 4096 * PRIME )) \
        -c "$COUNT_READ" "json:{\"driver\":\"raw\",\"size\":$IMG_BYTES,\"file\":{\"driver\":\"iscsi\",\"transport\":\"tcp\",\"portal\":\"127.0.0.1:$PORT\",\"target\":\"$IQN\",\"lun\":$1}}" 2>&1) \
        || { echo "bench-dedup: qemu-img bench failed: $out" >&2; return 1; }
    secs=$(sed -n 's/^Run completed in \([0-9.]*\) seconds\./\1/p' <<<"$out")
    awk -v n="$COUNT_READ" -v s="$secs" 'BEGIN { printf "%.0f", n / s }'
}

rand_write() {  # LUN -> IOPS
    local sock=$W/nbd.sock out i
    rm -f "$sock"
    qemu-nbd -t -k "$sock" -f raw --cache=none "$(url "$1")" >"$W/nbd.log" 2>&1 &
    NBD_PID=$!
    for (( i = 0; i < 100; i++ )); do [[ -S $sock ]] && break; sleep 0.1; done
    out=$(timeout -k 5 "$CASE_TIMEOUT" fio --name=rw4k --ioengine=nbd --uri="nbd+unix:///?socket=$sock" \
        --rw=randwrite --bs=4k --iodepth=32 --size="$IMG_BYTES" --number_ios="$COUNT_WRITE" \
        --randrepeat=1 --random_generator=tausworthe64 --norandommap \
        --buffer_compress_percentage=50 --buffer_compress_chunk=4k --refill_buffers --dedupe_percentage=0 \
        --output-format=json 2>&1) || { stop_nbd; echo "bench-dedup: fio failed: $out" >&2; return 1; }
    stop_nbd
    python3 -c 'import json,sys; t=sys.stdin.read(); print(round(json.loads(t[t.index("{"):])["jobs"][0]["write"]["iops"]))' <<<"$out"
}

declare -A S CPU JIT STEAL
for (( r = 1; r <= REPEATS; r++ )); do
    start_daemon
    warm_up
    order=(0 1)
    (( r % 2 )) || order=(1 0)
    for lun in "${order[@]}"; do
        cpu0=$(proc_cpu_ms "$DAEMON_PID"); jit0=$(jit_cpu_ms "$DAEMON_PID"); steal0=$(steal_ms)
        S[$lun,sw]+="$(seq_write "$lun") "
        CPU[$lun]+="$(( $(proc_cpu_ms "$DAEMON_PID") - cpu0 )) "
        JIT[$lun]+="$(( $(jit_cpu_ms "$DAEMON_PID") - jit0 )) "
        STEAL[$lun]+="$(( $(steal_ms) - steal0 )) "
    done
    for lun in "${order[@]}"; do S[$lun,rr]+="$(rand_read "$lun") "; done
    for lun in "${order[@]}"; do S[$lun,rw]+="$(rand_write "$lun") "; done
    log "repeat $r: plain sw ${S[0,sw]}/ rr ${S[0,rr]}/ rw ${S[0,rw]}; packed sw ${S[1,sw]}/ rr ${S[1,rr]}/ rw ${S[1,rw]}"
    stop_daemon
    cp "$W/daemon.log" "${SHM_DIR}/cistern-dedupbench-last.log" 2>/dev/null || true
    rm -rf "$W"
    W=""
done

{
    echo "| case | unit | plain (off/off) | lz4 + dedup=$DEDUP | ratio | goal | verdict |"
    echo "|---|---|---|---|---|---|---|"
    for c in sw:"1 MiB sequential write of the OS image (qemu-img convert -m 8)":MB/s:0.90 \
             rr:"4 KiB random read QD32 of the written image":IOPS:0.80 \
             rw:"4 KiB random write QD32, unique 50%-compressible data (fio via qemu-nbd)":IOPS:0.60; do
        IFS=: read -r key title unit goal <<<"$c"
        read -r m0 lo0 hi0 <<<"$(stats "${S[0,$key]}")"
        read -r m1 lo1 hi1 <<<"$(stats "${S[1,$key]}")"
        ratio=$(ratio "$m1" "$m0")
        echo "| $title | $unit | $m0 ($lo0-$hi0) | $m1 ($lo1-$hi1) | $ratio | >= $goal | $(verdict "$ratio" "$goal") |"
    done
    echo
    echo "OS-image write, the daemon's CPU time per pass (median ms, all threads): plain $(median "${CPU[0]}"), packed $(median "${CPU[1]}"); of it the JIT compiler threads', summed over the $REPEATS passes: plain $(sum_of "${JIT[0]}"), packed $(sum_of "${JIT[1]}"); host steal (CPU time the hypervisor gave other guests, all CPUs) summed over the passes: plain $(sum_of "${STEAL[0]}"), packed $(sum_of "${STEAL[1]}")."
    echo
    echo "$REPEATS repeats, each on a fresh daemon warmed with $WARM_PASSES passes of $WARM_MIB MiB of the image, image $(basename "$IMAGE") ($IMG_BYTES bytes), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(( $(date +%s) - START )) s, daemon allocator: $(cistern_malloc_name), commit $(git -C "$ROOT" describe --always --dirty --abbrev=7)."
} | tee ${OUT:+"$OUT"}
