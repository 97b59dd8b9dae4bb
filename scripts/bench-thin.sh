#!/usr/bin/env bash
# Thin-pool benchmark (issue 3's speed goals): `qemu-img bench` over iSCSI against one Cistern daemon.
#
#   scripts/bench-thin.sh [--repeats N] [--out FILE] [--skip-big | --only-big]
#
# Phase A (SHM_DIR, default /dev/shm, tmpfs): one daemon, one target, two LUNs on the same tmpfs:
#   LUN 0 a plain file LUN (filled from /dev/urandom), LUN 1 a sparse 4K-volblocksize thin volume
#   (pool file on the same tmpfs, RocksDB metadata in the same directory). The thin volume is written
#   in full first (1 MiB writes), so reads read real blocks.
#   1. file vs thin, alternating order: 1 MiB sequential read/write QD8 (on the layout the fill left),
#      4 KiB random read/write QD32, then 1 MiB sequential read again (blocks now scattered). Each
#      case first runs untimed on both LUNs until each served WARM_REQUESTS of it (JIT warm-up). The
#      daemon's CPU time per run, and its JIT compiler threads' part of it, are reported beside.
#   2. 4 KiB random write QD32 on the full thin volume before and after a snapshot. Each repeat runs
#      the same pass (same stride, same blocks) twice: "before" (every block it touches was written
#      since the latest snapshot) and, right after a new snapshot, "after" (every block it touches is
#      held by that snapshot: redirect-on-write plus a dead-list entry). The order alternates:
#      before/snap/after on odd repeats, snap/after/before on even ones (an "after" pass leaves the
#      blocks born after the snapshot, so a "before" pass may follow it). One untimed snapshot and
#      pass come first, so the JIT has compiled the after-snapshot path.
# Phase B (DISK_DIR, default /var/tmp, the work disk): a daemon with a sparse pool file and a
#   BIG_GIB (16) GiB sparse volume; write 1 GiB, measure, take SNAPS snapshots, write up to BIG_GIB GiB,
#   measure, take SNAPS snapshots.
#   3. snapshot creation time (wall time of Pool.snapshot, in the daemon process) at 1 vs BIG_GIB GiB.
#   4. RocksDB directory size per mapped block, and the daemon's RSS / heap after a GC.
#
# Snapshots: the daemon has no management API yet, so the daemon runs through bench/ThinBench.java
# (Daemon.start exactly as bin/cistern does, plus a line protocol on 127.0.0.1:CTL_PORT that calls
# Daemon.pool(name).snapshot(...)). I/O is over iSCSI; snapshot timing is in-process.
#
# The thin volumes have compression off, as issue 3's goals are stated (the default is lz4).
# Writes use --pattern 0xa5: the thin pool turns all-zero blocks into holes, and qemu-img bench's
# default buffer is zeros, which would make every thin write a no-op.
#
# Both LUNs of phase A sit on written pages: the file LUN is filled from /dev/urandom, and the thin
# pool's file is written with zeros from its second MiB to its end (the first MiB holds the 4 KiB
# label; the rest of it stays sparse) right after the pool is created, before any volume holds data.
# This VM's host backs guest memory lazily: a tmpfs page the guest has not touched lately costs
# a host fault on first write (the device probe below measures it, 350-450 MB/s against ~4000 over
# written pages), and without the pre-write only the thin side paid it. PREWRITE=0 leaves the pool
# file sparse, as runs before session 11 did.
# The pool is preallocated (PREALLOCATE=1), as the file LUN is a file written whole: it keeps its
# pages, where a sparse pool punches the space it frees, and its later writes there pay the fault
# again (an overwrite after a snapshot goes to space nothing used lately). PREALLOCATE=0 runs a
# sparse pool, as runs before session 17 did.
#
# Environment: SHM_DIR (/dev/shm), DISK_DIR (/var/tmp), SIZE_MIB (1024), BIG_GIB (16), REPEATS (5),
#   PREWRITE (1), PREALLOCATE (1), SNAPS (5), COUNT_4K (200000), COUNT_1M (2000), WARM_REQUESTS (24000), PORT (13283), CTL_PORT (13284),
#   CASE_TIMEOUT (120 s per qemu-img run), FILL_TIMEOUT (300 s), CISTERN_JAVA_OPTS (JVM options of the
#   daemon; with -XX:NativeMemoryTracking=summary the table gets the JVM-tracked memory next to RSS).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/bench-lib.sh
. "$ROOT/scripts/bench-lib.sh"
REPEATS=${REPEATS:-5}
OUT=""
SKIP_BIG=0
ONLY_BIG=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --repeats) REPEATS=$2; shift 2;;
        --out) OUT=$2; shift 2;;
        --skip-big) SKIP_BIG=1; shift;;
        --only-big) ONLY_BIG=1; shift;;
        *) echo "usage: $0 [--repeats N] [--out FILE] [--skip-big | --only-big]" >&2; exit 2;;
    esac
done
[[ $REPEATS =~ ^[1-9][0-9]?$ ]] || { echo "bench-thin: --repeats must be 1..99" >&2; exit 2; }

SHM_DIR=${SHM_DIR:-/dev/shm}
SHM_FS=$(df --output=fstype "$SHM_DIR" 2>/dev/null | tail -n 1 || true) # tmpfs by default; named in the report (a missing SHM_DIR fails at mktemp, with its message)
DISK_DIR=${DISK_DIR:-/var/tmp}
SIZE_MIB=${SIZE_MIB:-1024}
BIG_GIB=${BIG_GIB:-16}
SNAPS=${SNAPS:-5}
PREWRITE=${PREWRITE:-1}
[[ $PREWRITE =~ ^[01]$ ]] || { echo "bench-thin: PREWRITE must be 0 or 1" >&2; exit 2; }
PREALLOCATE=${PREALLOCATE:-1}
[[ $PREALLOCATE =~ ^[01]$ ]] || { echo "bench-thin: PREALLOCATE must be 0 or 1" >&2; exit 2; }
COUNT_4K=${COUNT_4K:-200000}
COUNT_1M=${COUNT_1M:-2000}
WARM_REQUESTS=${WARM_REQUESTS:-24000}
PORT=${PORT:-13283}
CTL_PORT=${CTL_PORT:-13284}
CASE_TIMEOUT=${CASE_TIMEOUT:-120}
FILL_TIMEOUT=${FILL_TIMEOUT:-300}
PATTERN=0xa5
PRIME=7919   # stride 4096*7919 blocks: coprime with any power-of-two block count
IQN=iqn.2026-11.io.cistern:thinbench
JAR=$ROOT/daemon/build/cistern.jar
. "$ROOT/bin/malloc-env"   # the daemon's allocator, as bin/cistern runs it
START=$(date +%s)

for tool in qemu-img iscsi-inq timeout java du; do
    command -v "$tool" >/dev/null || { echo "bench-thin: $tool not found" >&2; exit 2; }
done
ensure_jar bench-thin "$JAR"

WA=$(mktemp -d "$SHM_DIR/cistern-thinbench.XXXXXX")
WB=""
DAEMON_PID=""
stop_daemon() {
    [[ -n $DAEMON_PID ]] || return 0
    ctl quit >/dev/null 2>&1 || kill -TERM "$DAEMON_PID" 2>/dev/null || true
    local i
    for (( i = 0; i < 100; i++ )); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
    DAEMON_PID=""
}
cleanup() {
    stop_daemon
    rm -rf "$WA"
    [[ -z $WB ]] || rm -rf "$WB"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench-thin: [$(( $(date +%s) - START ))s] $*" >&2; }

# ctl COMMAND...: one management command; prints the reply after "ok", fails on "error".
ctl() {
    local reply
    exec 4<>"/dev/tcp/127.0.0.1/$CTL_PORT"
    echo "$*" >&4
    IFS= read -r -t 600 reply <&4 || reply="error no reply"
    exec 4<&- 4>&-
    [[ $reply == ok* ]] || { echo "bench-thin: '$*' -> $reply" >&2; return 1; }
    echo "${reply#ok}"
}

# start_daemon CONF LOG LUN...: runs the daemon; ready when the control port answers and every LUN
# answers INQUIRY (at most 90 s).
start_daemon() {
    local conf=$1 logf=$2 lun i ok
    shift 2
    # shellcheck disable=SC2086  # CISTERN_JAVA_OPTS may hold several options
    cistern_malloc_env exec java ${CISTERN_JAVA_OPTS:-} -cp "$JAR" "$ROOT/bench/ThinBench.java" "$conf" "$CTL_PORT" </dev/null >"$logf" 2>&1 &
    DAEMON_PID=$!
    for (( i = 0; i < 180; i++ )); do
        kill -0 "$DAEMON_PID" 2>/dev/null || break
        if grep -q 'thinbench: control on' "$logf"; then
            ok=1
            for lun in "$@"; do
                timeout 10 iscsi-inq "iscsi://127.0.0.1:$PORT/$IQN/$lun" >/dev/null 2>&1 || ok=0
            done
            (( ok )) && return 0
        fi
        sleep 0.5
    done
    echo "bench-thin: the daemon did not come up:" >&2
    tail -n 30 "$logf" >&2
    exit 3
}

image() { # LUN SIZE_BYTES
    printf 'json:{"driver":"raw","size":%d,"file":{"driver":"iscsi","transport":"tcp","portal":"127.0.0.1:%d","target":"%s","lun":%d}}' \
        "$2" "$PORT" "$IQN" "$1"
}

# qbench TIMEOUT LUN SIZE_BYTES ARGS...: prints the seconds qemu-img bench reports.
qbench() {
    local to=$1 lun=$2 size=$3 out secs
    shift 3
    out=$(timeout -k 5 "$to" qemu-img bench -t none "$@" "$(image "$lun" "$size")" 2>&1) || {
        echo "bench-thin: qemu-img bench failed (LUN $lun, $*):" >&2
        echo "$out" >&2
        return 1
    }
    secs=$(sed -n 's/^Run completed in \([0-9.]*\) seconds\./\1/p' <<<"$out")
    [[ -n $secs ]] || { echo "bench-thin: no timing from qemu-img bench: $out" >&2; return 1; }
    echo "$secs"
}

kv() { sed -n "s/.*[[:space:]]$1=\([0-9-]*\).*/\1/p" <<<"$2"; }   # kv KEY "reply"

# ---------------------------------------------------------------- phase A: file vs thin on tmpfs
declare -A SAMPLES CPU JIT STEAL
if (( ! ONLY_BIG )); then
SIZE=$(( SIZE_MIB << 20 ))
POOL_MIB=$(( SIZE_MIB * (REPEATS + 3) ))
cat >"$WA/cistern.conf" <<CONF
cistern {
  data-dir = "$WA"
  targets.bench {
    iqn = "$IQN"
    portals = ["127.0.0.1:$PORT"]
    luns = [ { lun = 0, file = "lun.img" }, { lun = 1, volume = "shm/v" } ]
  }
  pools.shm {
    file = "shm.pool"
    size = ${POOL_MIB}M
    preallocate = $( (( PREALLOCATE )) && echo true || echo false)
    volumes { v { size = ${SIZE_MIB}M, sparse = true, volblocksize = 4K, compression = off, dedup = off } }
  }
}
CONF
head -c "$SIZE" /dev/urandom >"$WA/lun.img"
log "phase A: starting the daemon (file LUN 0 and thin LUN 1 on $SHM_DIR)"
start_daemon "$WA/cistern.conf" "$WA/daemon.log" 0 1
if (( PREWRITE )); then
    # The pool is new and its volume empty: every byte after the 4 KiB label is free space, so
    # writing zeros from the second MiB on changes no data. Stopped first, so nothing else writes
    # the file meanwhile.
    stop_daemon
    t0=$(date +%s%N)
    dd if=/dev/zero of="$WA/shm.pool" bs=1M seek=1 count=$(( POOL_MIB - 1 )) conv=notrunc status=none
    PREWRITE_S=$(awk -v n=$(( $(date +%s%N) - t0 )) 'BEGIN { printf "%.1f", n / 1e9 }')
    log "pre-wrote the pool file ($POOL_MIB MiB) in $PREWRITE_S s; restarting the daemon"
    start_daemon "$WA/cistern.conf" "$WA/daemon.log" 0 1
fi

log "filling the thin volume ($SIZE_MIB MiB, 1 MiB writes QD8)"
FILL_A=$(qbench "$FILL_TIMEOUT" 1 "$SIZE" -w --pattern=$PATTERN -d 8 -s 1048576 -c "$SIZE_MIB")
ctl flush shm >/dev/null

# The 1 MiB cases run first, on the layout the fill left (sequential, as after copying an image in);
# the 4 KiB random writes then scatter the thin volume's blocks (redirect-on-write), and sr1mfrag
# reads it again in 1 MiB requests: 256 scattered blocks each.
CASES=(sr1m sw1m rr4k rw4k sr1mfrag)
declare -A ARGS COUNT BYTES TITLE GOAL
ARGS[rr4k]="-d 32 -s 4096 -S $(( 4096 * PRIME ))";                      COUNT[rr4k]=$COUNT_4K; BYTES[rr4k]=4096
ARGS[rw4k]="-w --pattern=$PATTERN -d 32 -s 4096 -S $(( 4096 * PRIME ))"; COUNT[rw4k]=$COUNT_4K; BYTES[rw4k]=4096
ARGS[sr1m]="-d 8 -s 1048576";                                           COUNT[sr1m]=$COUNT_1M; BYTES[sr1m]=1048576
ARGS[sw1m]="-w --pattern=$PATTERN -d 8 -s 1048576";                     COUNT[sw1m]=$COUNT_1M; BYTES[sw1m]=1048576
ARGS[sr1mfrag]=${ARGS[sr1m]};                                           COUNT[sr1mfrag]=$COUNT_1M; BYTES[sr1mfrag]=1048576
TITLE[rr4k]="4 KiB random read, QD32"; TITLE[rw4k]="4 KiB random write, QD32"
TITLE[sr1m]="1 MiB sequential read, QD8"; TITLE[sw1m]="1 MiB sequential write, QD8"
TITLE[sr1mfrag]="1 MiB sequential read after the random writes, QD8"
GOAL[rr4k]=0.90; GOAL[rw4k]=0.80; GOAL[sr1m]=0.90; GOAL[sw1m]=0.90; GOAL[sr1mfrag]=0.90

# rate CASE SECONDS: IOPS for 4 KiB, MB/s (10^6) for 1 MiB
rate() { awk -v n="${COUNT[$1]}" -v b="${BYTES[$1]}" -v s="$2" 'BEGIN { printf "%.0f", (b == 4096) ? n / s : n * b / s / 1e6 }'; }

# Warm-up (untimed): before its timed repeats, each case runs on both LUNs until each has served
# WARM_REQUESTS requests of it, so the JIT has compiled its path (a daemon runs for months; its first
# seconds are not what users see). One pass was not enough for the 1 MiB cases: 2000 requests call a
# per-request method (Writer.allocate, say) 2000 times, and C2 compiled such methods only after
# some 14,000 calls, for 50-130 ms of CPU each, inside the timed runs (200-390 ms of compiling per
# thin run of 2000 MiB, on 2 vCPUs shared with the client). The report shows the compiling left.
warm_up() {  # CASE
    local lun pass passes=$(( (WARM_REQUESTS + COUNT[$1] - 1) / COUNT[$1] ))
    for (( pass = 0; pass < passes; pass++ )); do
        for lun in 0 1; do
            # shellcheck disable=SC2086
            qbench "$CASE_TIMEOUT" "$lun" "$SIZE" -c "${COUNT[$1]}" ${ARGS[$1]} >/dev/null
        done
    done
}

for c in "${CASES[@]}"; do
    warm_up "$c"
    for (( r = 1; r <= REPEATS; r++ )); do
        order=(0 1)
        (( r % 2 )) || order=(1 0)
        for lun in "${order[@]}"; do
            # shellcheck disable=SC2086  # ARGS holds several words on purpose
            cpu0=$(proc_cpu_ms "$DAEMON_PID"); jit0=$(jit_cpu_ms "$DAEMON_PID"); steal0=$(steal_ms)
            secs=$(qbench "$CASE_TIMEOUT" "$lun" "$SIZE" -c "${COUNT[$c]}" ${ARGS[$c]})
            SAMPLES[$lun,$c]+="$(rate "$c" "$secs") "
            CPU[$lun,$c]+="$(( $(proc_cpu_ms "$DAEMON_PID") - cpu0 )) "
            JIT[$lun,$c]+="$(( $(jit_cpu_ms "$DAEMON_PID") - jit0 )) "
            STEAL[$lun,$c]+="$(( $(steal_ms) - steal0 )) "
            log "$c $([[ $lun == 0 ]] && echo file || echo thin) repeat $r: ${secs}s"
        done
    done
done

# The device's own price of new space: after a snapshot every overwrite goes to space the pool has
# not written yet, while before it the pool reuses what overwrites freed. dd writes 256 MiB in 4 KiB
# blocks into a new file, then over it (on a VM that gets freed guest memory back from its host,
# a new tmpfs page costs the host a fault on first touch).
dd_rate() {  # FILE EXTRA_FLAGS...: MB/s of 256 MiB written in 4 KiB blocks
    local f=$1; shift
    dd if=/dev/zero of="$f" bs=4k count=65536 "$@" 2>&1 | awk '/copied/ { printf "%.0f", $1 / $(NF-3) / 1e6 }'
}
DEVICE_NEW=$(dd_rate "$WA/probe"); DEVICE_OVER=$(dd_rate "$WA/probe" conv=notrunc); rm -f "$WA/probe"
log "device probe: 4 KiB writes into new pages $DEVICE_NEW MB/s, over written ones $DEVICE_OVER MB/s"

# Overwrite after a snapshot: the same 4 KiB random-write pass before and after a fresh snapshot.
SNAP_A=""
snap_pass() {  # label
    local secs cpu0 jit0 steal0
    cpu0=$(proc_cpu_ms "$DAEMON_PID"); jit0=$(jit_cpu_ms "$DAEMON_PID"); steal0=$(steal_ms)
    # shellcheck disable=SC2086
    secs=$(qbench "$CASE_TIMEOUT" 1 "$SIZE" -c "$COUNT_4K" ${ARGS[rw4k]})
    SAMPLES[$1]+="$(rate rw4k "$secs") "
    CPU[$1]+="$(( $(proc_cpu_ms "$DAEMON_PID") - cpu0 )) "
    JIT[$1]+="$(( $(jit_cpu_ms "$DAEMON_PID") - jit0 )) "
    STEAL[$1]+="$(( $(steal_ms) - steal0 )) "
    log "rw4k thin $1 repeat $r: ${secs}s"
}
take_snap() {
    local us
    us=$(ctl snapshot shm v "s$r")
    SNAP_A+="$(( us )) "
}
# Warm-up (untimed): a snapshot and a pass over its blocks, so the JIT has compiled what only
# overwrites after a snapshot run (the dead list) before the first timed "after" pass; without it
# that pass paid 0.6-1.3 s of C2 compiling (session 24).
ctl snapshot shm v warm >/dev/null
# shellcheck disable=SC2086
qbench "$CASE_TIMEOUT" 1 "$SIZE" -c "$COUNT_4K" ${ARGS[rw4k]} >/dev/null
for (( r = 1; r <= REPEATS; r++ )); do
    if (( r % 2 )); then
        snap_pass before; take_snap; snap_pass after
    else
        take_snap; snap_pass after; snap_pass before
    fi
done
PROPS_A=$(ctl props shm v)
MEM_A=$(ctl mem)
stop_daemon
log "phase A done"

fi

# ---------------------------------------------------------------- phase B: 1 vs BIG_GIB GiB on disk
declare -A META_SST META_ALL META_LIVE OPENT MAPPED HEAPC NMT RSS HEAP SNAPT FILLT
if (( ! SKIP_BIG )); then
    WB=$(mktemp -d "$DISK_DIR/cistern-thinbench.XXXXXX")
    BIG=$(( BIG_GIB << 30 ))
    cat >"$WB/cistern.conf" <<CONF
cistern {
  data-dir = "$WB"
  targets.bench {
    iqn = "$IQN"
    portals = ["127.0.0.1:$PORT"]
    luns = [ { lun = 0, volume = "disk/v" } ]
  }
  pools.disk {
    file = "disk.pool"
    size = $(( BIG_GIB + 2 ))G
    volumes { v { size = ${BIG_GIB}G, sparse = true, volblocksize = 4K, compression = off, dedup = off } }
  }
}
CONF
    log "phase B: starting the daemon (sparse pool on $DISK_DIR, ${BIG_GIB} GiB volume)"
    start_daemon "$WB/cistern.conf" "$WB/daemon.log" 0
    MEM_B0=$(ctl mem)

    measure() {  # LEVEL(GiB)
        local p m
        ctl flush disk >/dev/null
        sleep 5   # let RocksDB settle its memtable flush
        p=$(ctl props disk v)
        MAPPED[$1]=$(( $(kv referenced "$p") / 4096 ))
        META_LIVE[$1]=$(du -sb "$WB/disk.meta" | cut -f1)
        m=$(ctl mem)
        RSS[$1]=$(kv rss "$m"); HEAP[$1]=$(kv heapused "$m"); HEAPC[$1]=$(kv heapcommitted "$m"); NMT[$1]=$(kv nmtcommitted "$m")
        log "at $1 GiB: pool$(ctl pool disk)"   # RocksDB's own memory figures and the cache hit rates
        local i
        SNAPT[$1]=""
        for (( i = 1; i <= SNAPS; i++ )); do
            SNAPT[$1]+="$(ctl snapshot disk v "at$1g-$i") "
        done
        # Live, much of the metadata is in RocksDB's write-ahead log and memtable; a restart replays
        # the log into .sst files, which is what the metadata costs at rest.
        stop_daemon
        local t0=$(date +%s%N)
        start_daemon "$WB/cistern.conf" "$WB/daemon.log" 0
        OPENT[$1]=$(( ($(date +%s%N) - t0) / 1000000 ))
        META_SST[$1]=$(find "$WB/disk.meta" -name '*.sst' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
        META_ALL[$1]=$(du -sb "$WB/disk.meta" | cut -f1)
        log "at $1 GiB: mapped ${MAPPED[$1]} blocks, live dir ${META_LIVE[$1]} B, restart ${OPENT[$1]} ms, sst ${META_SST[$1]} B, dir ${META_ALL[$1]} B, rss ${RSS[$1]}, snapshots(us) ${SNAPT[$1]}"
    }
    # Random data, so that every mapping's CRC differs (a repeated pattern would let RocksDB's block
    # compression shrink the metadata unrealistically): the same 1 GiB urandom file is copied to each
    # GiB of the volume with qemu-img convert (8 coroutines, out-of-order writes).
    head -c $(( 1 << 30 )) /dev/urandom >"$WA/rand.img"
    fill_gib() {  # FIRST_GIB COUNT: prints seconds
        local g t0
        t0=$(date +%s%N)
        for (( g = $1; g < $1 + $2; g++ )); do
            timeout -k 5 "$FILL_TIMEOUT" qemu-img convert -n -W -m 8 -t none -f raw "$WA/rand.img" \
                "$(printf 'json:{"driver":"raw","offset":%d,"size":%d,"file":{"driver":"iscsi","transport":"tcp","portal":"127.0.0.1:%d","target":"%s","lun":0}}' \
                    $(( g << 30 )) $(( 1 << 30 )) "$PORT" "$IQN")" >&2 || { echo "bench-thin: qemu-img convert failed" >&2; return 1; }
        done
        awk -v n="$(( $(date +%s%N) - t0 ))" 'BEGIN { printf "%.1f", n / 1e9 }'
    }
    log "writing 1 GiB"
    FILLT[1]=$(fill_gib 0 1) || exit 1
    measure 1
    log "writing $(( BIG_GIB - 1 )) GiB more"
    FILLT[$BIG_GIB]=$(fill_gib 1 $(( BIG_GIB - 1 ))) || exit 1
    measure "$BIG_GIB"
    stop_daemon
    log "phase B done"
fi

# ---------------------------------------------------------------- report
report() {
    local c fm fl fh tm tl th rt
    echo "## Thin pool (issue 3): run of $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(free -h | awk '/^Mem:/ { print $2 }') RAM, kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "- daemon allocator: $(cistern_malloc_name)"
    echo "- client: $(dpkg-query -W -f '${Package} ${Version}' qemu-utils 2>/dev/null); commit $(git -C "$ROOT" describe --always --dirty --abbrev=7)"
    echo "- command: \`scripts/bench-thin.sh --repeats $REPEATS$( (( ONLY_BIG )) && echo ' --only-big')$( (( SKIP_BIG )) && echo ' --skip-big')\` (SIZE_MIB=$SIZE_MIB BIG_GIB=$BIG_GIB SNAPS=$SNAPS COUNT_4K=$COUNT_4K COUNT_1M=$COUNT_1M CISTERN_JAVA_OPTS='${CISTERN_JAVA_OPTS:-}'), $(( $(date +%s) - START )) s"
    echo
    if (( ! ONLY_BIG )); then
    echo "### 1. Sparse thin volume vs file LUN, same daemon, both on $SHM_DIR ($SHM_FS)"
    echo
    echo "Pool file: $( (( PREALLOCATE )) && echo "preallocated" || echo "sparse (PREALLOCATE=0)"), $( (( PREWRITE )) && echo "written with zeros from its second MiB on before the volume held data ($POOL_MIB MiB file in $PREWRITE_S s)" || echo "not pre-written (PREWRITE=0)")."
    echo "Fill of the thin volume before the cases: $SIZE_MIB MiB in ${FILL_A} s ($(awk -v m="$SIZE_MIB" -v s="$FILL_A" 'BEGIN { printf "%.0f", m * 1.048576 / s }') MB/s, first writes: allocation)."
    echo "Median (min-max) of $REPEATS repeats after untimed runs of the case until each LUN served $WARM_REQUESTS requests of it, order alternating per repeat."
    echo "CPU: the daemon's CPU time per timed run (median ms, all threads), and the JIT compiler threads' part of it summed over the $REPEATS runs."
    echo "Steal: CPU time the hypervisor gave other guests during the timed runs (all CPUs, summed over the $REPEATS runs); where it is large, the ratio measured the host too."
    echo
    echo "| case | unit | file LUN | thin volume | thin/file | goal | verdict | daemon CPU per run, file / thin (ms) | JIT compiling in the runs, file / thin (ms) | steal in the runs, file / thin (ms) |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for c in "${CASES[@]}"; do
        read -r fm fl fh < <(stats "${SAMPLES[0,$c]}")
        read -r tm tl th < <(stats "${SAMPLES[1,$c]}")
        rt=$(ratio "$tm" "$fm")
        printf '| %s | %s | %s (%s-%s) | %s (%s-%s) | %s | >= %s | %s | %s / %s | %s / %s | %s / %s |\n' "${TITLE[$c]}" \
            "$([[ ${BYTES[$c]} == 4096 ]] && echo IOPS || echo MB/s)" "$fm" "$fl" "$fh" "$tm" "$tl" "$th" "$rt" \
            "${GOAL[$c]}" "$(verdict "$rt" "${GOAL[$c]}")" "$(median "${CPU[0,$c]}")" \
            "$(median "${CPU[1,$c]}")" "$(sum_of "${JIT[0,$c]}")" "$(sum_of "${JIT[1,$c]}")" \
            "$(sum_of "${STEAL[0,$c]}")" "$(sum_of "${STEAL[1,$c]}")"
    done
    echo
    echo "### 2. 4 KiB random write QD32 on the full thin volume, before vs right after a snapshot ($SHM_DIR)"
    echo
    read -r fm fl fh < <(stats "${SAMPLES[before]}")
    read -r tm tl th < <(stats "${SAMPLES[after]}")
    rt=$(ratio "$tm" "$fm")
    echo "| before (IOPS) | after (IOPS) | after/before | goal | verdict | daemon CPU per pass, before / after (ms) | JIT compiling in the passes, before / after (ms) | steal in the passes, before / after (ms) |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '| %s (%s-%s) | %s (%s-%s) | %s | >= 0.95 | %s | %s / %s | %s / %s | %s / %s |\n' "$fm" "$fl" "$fh" "$tm" "$tl" "$th" "$rt" \
        "$(verdict "$rt" 0.95)" "$(median "${CPU[before]}")" "$(median "${CPU[after]}")" \
        "$(sum_of "${JIT[before]}")" "$(sum_of "${JIT[after]}")" \
        "$(sum_of "${STEAL[before]}")" "$(sum_of "${STEAL[after]}")"
    echo
    echo "Device probe ($SHM_DIR, dd, 256 MiB in 4 KiB writes): into new pages $DEVICE_NEW MB/s, over written pages $DEVICE_OVER MB/s."
    echo "Snapshot times here (us, 1 GiB written, $SHM_FS): $SNAP_A. Volume afterwards:$PROPS_A."
    echo "Daemon memory after phase A (after a GC):$MEM_A."
    fi
    if (( ! SKIP_BIG )); then
        local m1 l1 h1 mb lb hb
        read -r m1 l1 h1 < <(stats "${SNAPT[1]}")
        read -r mb lb hb < <(stats "${SNAPT[$BIG_GIB]}")
        echo
        echo "### 3-4. Snapshot time, metadata and memory at 1 vs $BIG_GIB GiB written ($DISK_DIR, work disk, sparse pool)"
        echo
        echo "Writes: 1 GiB in ${FILLT[1]} s, then $(( BIG_GIB - 1 )) GiB in ${FILLT[$BIG_GIB]} s (random data, qemu-img convert over iSCSI)."
        echo "Daemon right after start (after a GC):$MEM_B0."
        echo
        echo "Metadata: \"live\" = the RocksDB directory while running (write-ahead log + .sst); \"at rest\" = after"
        echo "a daemon restart (log replayed into .sst files); RSS and heap measured before the restart."
        echo
        echo "| written | mapped 4K blocks | metadata dir live | per block | .sst at rest | per block | dir at rest | per block | RSS | JVM-tracked (NMT) | heap used / committed after GC | first snapshot after the writes | snapshot median (min-max) of $SNAPS | restart to serving |"
        echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        local g m l h
        for g in 1 "$BIG_GIB"; do
            read -r m l h < <(stats "${SNAPT[$g]}")
            printf '| %s GiB | %s | %s | %s | %s | %s | %s | %s | %s MiB | %s | %s / %s MiB | %s us | %s us (%s-%s) | %s ms |\n' "$g" "${MAPPED[$g]}" \
                "${META_LIVE[$g]}" "$(awk -v a="${META_LIVE[$g]}" -v b="${MAPPED[$g]}" 'BEGIN { printf "%.1f", a / b }')" \
                "${META_SST[$g]}" "$(awk -v a="${META_SST[$g]}" -v b="${MAPPED[$g]}" 'BEGIN { printf "%.1f", a / b }')" \
                "${META_ALL[$g]}" "$(awk -v a="${META_ALL[$g]}" -v b="${MAPPED[$g]}" 'BEGIN { printf "%.1f", a / b }')" \
                $(( RSS[$g] >> 20 )) "$( (( NMT[$g] >= 0 )) && echo "$(( NMT[$g] >> 20 )) MiB" || echo "n/a")" $(( HEAP[$g] >> 20 )) $(( HEAPC[$g] >> 20 )) "$(awk '{ print $1 }' <<<"${SNAPT[$g]}")" "$m" "$l" "$h" "${OPENT[$g]}"
        done
        rt=$(ratio "$mb" "$m1")
        echo
        echo "Snapshot time $BIG_GIB GiB / 1 GiB: median $rt, first snapshot $(ratio "$(awk '{ print $1 }' <<<"${SNAPT[$BIG_GIB]}")" "$(awk '{ print $1 }' <<<"${SNAPT[1]}")") (goal <= 1.5)."
    fi
}

if [[ -n $OUT ]]; then
    mkdir -p "$(dirname "$OUT")"
    report | tee "$OUT"
else
    report
fi
