#!/usr/bin/env bash
# A real OS image for issue 4's compression and dedup experiment (seed 000 installed CentOS twice).
#
#   scripts/os-image.sh OUT.img [SEED]
#
# Builds a Debian bookworm root file system with mmdebstrap from Debian's packages (variant
# "standard" -- what the installer's "standard system utilities" task installs -- plus a kernel,
# initramfs, openssh-server and the other packages a small server gets), then packs it into an ext4
# image with `mke2fs -t ext4 -d` (about 900 MiB of data in an image with 40% free space).
#
# Two images built with different SEEDs differ like two real installs: they are separate runs
# (own timestamps, machine-id, ssh host keys, initramfs, logs, apt state, ext4 UUID and hash seed,
# so files land in different blocks) and the package list is handed to apt in a seed-dependent
# order; the package set is the same, as for seed 000's two CentOS installs. EXTRA="pkg ..." adds
# packages (one install with vim: the two images' 4K dedup drops from 1.93x to 1.89x). Same SEED,
# same order -- but still a separate install, never a copy.
#
# Needs root (mmdebstrap --mode=root; the chroot runs maintainer scripts) and a Debian mirror.
# Installs mmdebstrap with apt-get if missing. Work space: WORK_DIR (default: next to OUT), about
# 2.5 GiB while it runs. Optional APT_CACHE=DIR keeps downloaded .debs between runs (a CI cache).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUT.img [SEED]" >&2
    exit 2
fi
OUT=$1
SEED=${2:-1}
case $SEED in
    ''|*[!0-9]*) echo "$0: SEED must be a non-negative integer, got '$SEED'" >&2; exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
    echo "$0: must run as root (mmdebstrap --mode=root runs the packages' maintainer scripts)" >&2
    exit 1
fi
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm

if ! command -v mmdebstrap >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap
fi
command -v mke2fs >/dev/null || { echo "$0: mke2fs (e2fsprogs) is missing" >&2; exit 1; }

# What a small Debian server gets on top of "standard": a kernel and initramfs, ssh,
# a firewall, sudo, man pages, locales. The kernel's modules are about half of the data.
PACKAGES=(linux-image-amd64 initramfs-tools systemd-sysv openssh-server sudo locales man-db
    manpages ifupdown isc-dhcp-client nftables curl ca-certificates rsyslog
    logrotate cron less bash-completion)
if [ -n "${EXTRA:-}" ]; then
    read -r -a extra <<< "$EXTRA"
    PACKAGES+=("${extra[@]}")
fi
# The order apt sees the list in (unpack order of independent packages follows it).
mapfile -t PACKAGES < <(printf '%s\n' "${PACKAGES[@]}" | shuf --random-source=<(yes "$SEED"))

WORK_DIR=${WORK_DIR:-$(dirname "$OUT")}
mkdir -p "$WORK_DIR"
ROOTFS=$(mktemp -d "$WORK_DIR/os-image-root.XXXXXX")
trap 'rm -rf "$ROOTFS"' EXIT

HOOKS=()
if [ -n "${APT_CACHE:-}" ]; then
    mkdir -p "$APT_CACHE"
    HOOKS+=(--setup-hook='mkdir -p "$1"/var/cache/apt/archives'
        --setup-hook="sync-in $APT_CACHE /var/cache/apt/archives/"
        --customize-hook="sync-out /var/cache/apt/archives $APT_CACHE")
fi

start=$(date +%s)
mmdebstrap --mode=root --variant=standard --include="$(IFS=,; echo "${PACKAGES[*]}")" \
    "${HOOKS[@]}" \
    --customize-hook='sed "s/^\(.\{8\}\).*/cistern-\1/" /proc/sys/kernel/random/uuid > "$1/etc/hostname"' \
    --customize-hook='chroot "$1" passwd -d root' \
    "$SUITE" "$ROOTFS" "$MIRROR"
built=$(date +%s)

# Room for the data plus 40% free, as an installer's partition would have; rounded to 4 MiB.
used_kib=$(du -sk --apparent-size "$ROOTFS" | cut -f1)
size_mib=$(( (used_kib * 14 / 10 / 1024 + 256 + 3) / 4 * 4 ))
rm -f "$OUT"
mke2fs -q -t ext4 -b 4096 -L cistern-os -d "$ROOTFS" "$OUT" "${size_mib}M"
packed=$(date +%s)

echo "os-image: $OUT seed=$SEED packages=${#PACKAGES[@]} rootfs=$((used_kib / 1024)) MiB" \
    "image=${size_mib} MiB build=$((built - start)) s mke2fs=$((packed - built)) s" >&2
