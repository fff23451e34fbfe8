#!/bin/sh
# Regenerate the golden JSON of `losslab toy` and `losslab coeffs`
# (tests/golden/toy_small.json, coeffs_small.json) from a build directory:
#   tests/golden/toy_coeffs_regen.sh [BUILD_DIR]
# Review the diff before committing: a golden file records what the code
# computes, so only regenerate after checking that a change is intended.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/../build}
cd "$here"
LL_REGEN_GOLDEN=1 "$build/golden_test_toy_golden"
LL_REGEN_GOLDEN=1 "$build/golden_test_coeffs_golden"
echo "regenerated: tests/golden/toy_small.json tests/golden/coeffs_small.json"
