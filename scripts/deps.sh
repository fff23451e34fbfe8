#!/usr/bin/env bash
# Install the Debian packages losslab needs, only those that are missing.
# Usage: scripts/deps.sh [--bench]   (--bench adds the Python baselines' packages: numpy, scipy, torch)
set -euo pipefail
pkgs=(build-essential cmake pkg-config libopenblas-dev liblapacke-dev libgsl-dev
      libcjson-dev libcairo2-dev libcmocka-dev)
if [[ "${1:-}" == "--bench" ]]; then
  pkgs+=(python3-numpy python3-scipy python3-torch)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
