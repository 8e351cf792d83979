#!/usr/bin/env bash
# Installs the Debian packages prsearch needs to build and test, skipping
# what is already there. Run as root (or with sudo available).
set -euo pipefail

packages=(
    build-essential cmake pkg-config python3
    libxapian-dev libstemmer-dev libevent-dev libjansson-dev libmsgpack-dev
    libutf8proc-dev libgumbo-dev zlib1g-dev libzstd-dev libcmocka-dev libinih-dev
    xapian-tools hunspell-sv hunspell-tools
    chromium chromium-driver
    xapian-omega time wrk
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "prsearch: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
