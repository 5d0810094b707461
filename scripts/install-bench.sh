#!/usr/bin/env bash
# Install what `make bench` needs beyond the test suite's packages: wrk (load) and nginx (the download yardstick).
set -euo pipefail

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi

echo "Installing benchmark packages: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian may start its packaged nginx on port 80: the benchmarks run their own on a free port and leave it alone.
