#!/usr/bin/env bash
# Calibration only (A/A noise check), NOT Cistern: a second private tgtd serving $CISTERN_FILE as LUN 1 on
# 127.0.0.1:$CISTERN_PORT, in the foreground until SIGTERM. Use as
#   CISTERN_LUN=1 CISTERN_CMD=scripts/bench-second-tgt.sh scripts/bench.sh
# and read the "Cistern" column as "second tgt": the ratios show the run-to-run noise of the machine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/tgt.sh
. "$HERE/lib/tgt.sh"
: "${CISTERN_PORT:?}" "${CISTERN_FILE:?}"
trap 'tgt_stop; exit 0' TERM INT
tgt_start "$CISTERN_PORT" "$CISTERN_FILE" iqn.2026-11.io.cistern:second-tgt
wait "$TGT_PID" || true
