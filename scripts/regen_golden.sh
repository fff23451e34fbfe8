#!/bin/sh
# Regenerate the golden JSON files of the sweep tests (tests/cli/test_sweeps.c)
# from a built losslab. Run it only after checking that a change of the
# numbers is intended (the test says which key moved and by how much), and
# review the diff of tests/golden/ before committing.
#
#   scripts/regen_golden.sh [path/to/losslab]      (default: build/losslab)
#
# The arguments below must stay the same as GOLDEN_WIDTHS_ARGS and
# GOLDEN_PHASE_ARGS in tests/cli/test_sweeps.c.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/losslab}
[ -x "$bin" ] || { echo "regen_golden: no losslab at $bin (build first)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
OPENBLAS_NUM_THREADS=1 "$bin" widths --widths 3,5,8 --samples 200 --jobs 2 --quiet --out "$tmp/w"
OPENBLAS_NUM_THREADS=1 "$bin" phase --a-values 0,0.5,1 --samples 400 --jobs 2 --quiet --out "$tmp/p"
mkdir -p "$root/tests/golden"
cp "$tmp/w/widths.json" "$root/tests/golden/widths_small.json"
cp "$tmp/p/phase.json" "$root/tests/golden/phase_small.json"
echo "regen_golden: wrote tests/golden/widths_small.json and phase_small.json"
