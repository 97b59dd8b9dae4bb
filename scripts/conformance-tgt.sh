#!/usr/bin/env bash
# The tgt baseline: a private tgtd on a 1 GiB sparse file LUN, scored by scripts/conformance.sh.
#   scripts/conformance-tgt.sh <outdir> [port]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/tgt.sh
. "$HERE/lib/tgt.sh"
[[ $# -ge 1 ]] || { echo "usage: $0 <outdir> [port]" >&2; exit 2; }
OUT=$1
PORT=${2:-13270}
WORK=$(mktemp -d)
trap 'tgt_stop; rm -rf "$WORK"' EXIT
truncate -s 1G "$WORK/lun.img"
tgt_start "$PORT" "$WORK/lun.img"
"$HERE/conformance.sh" "iscsi://127.0.0.1:$PORT/$TGT_IQN/1" "$OUT"
