# Sourced by scripts: start and stop a private tgtd on loopback (bash; the caller sets -euo pipefail).
#
#   tgt_start PORT FILE [IQN]   starts tgtd on 127.0.0.1:PORT with LUN 1 on FILE; sets TGT_PID, TGT_CTL, TGT_IQN
#   tgt_stop                    stops it by PID: SIGTERM, then SIGKILL after 3 s (tgtd may ignore SIGTERM)
# tgtd takes control ports 0..32767 only, so the tgtadm control port is drawn apart from the TCP port.

TGT_PID=""
TGT_CTL=""
TGT_IQN=""

tgt_start() {
    local port=$1 file=$2 iqn=${3:-iqn.2026-11.io.cistern:tgt-peer} log attempt
    local -a adm
    TGT_IQN=$iqn
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "tgt: port $port is already in use" >&2
        return 1
    fi
    for attempt in 1 2 3; do
        TGT_CTL=$(( 1024 + RANDOM % 31000 ))
        log=$(mktemp /tmp/tgtd.XXXXXX.log)
        tgtd -f -C "$TGT_CTL" --iscsi "portal=127.0.0.1:$port" </dev/null >"$log" 2>&1 &
        TGT_PID=$!
        adm=(timeout 15 tgtadm -C "$TGT_CTL" --lld iscsi)
        local i ready=0
        for (( i = 0; i < 100; i++ )); do
            kill -0 "$TGT_PID" 2>/dev/null || break
            if "${adm[@]}" --mode sys --op show >/dev/null 2>&1 \
                && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                ready=1
                break
            fi
            sleep 0.1
        done
        if (( ready )); then
            rm -f "$log"
            "${adm[@]}" --mode target --op new --tid 1 -T "$iqn"
            "${adm[@]}" --mode logicalunit --op new --tid 1 --lun 1 -b "$file"
            "${adm[@]}" --mode target --op bind --tid 1 -I ALL
            return 0
        fi
        echo "tgt: tgtd (attempt $attempt, control port $TGT_CTL) did not come up:" >&2
        cat "$log" >&2
        rm -f "$log"
        tgt_stop
    done
    return 1
}

tgt_stop() {
    [[ -n $TGT_PID ]] || return 0
    local i
    kill -TERM "$TGT_PID" 2>/dev/null || true
    for (( i = 0; i < 30; i++ )); do
        kill -0 "$TGT_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$TGT_PID" 2>/dev/null; then
        kill -KILL "$TGT_PID" 2>/dev/null || true
    fi
    wait "$TGT_PID" 2>/dev/null || true
    TGT_PID=""
}
