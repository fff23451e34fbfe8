#!/usr/bin/env bash
# The benchmark of issue 2: `losslab trace` against the scipy baseline
# (bench/baseline_scipy.py) on the built-in problem, m = 10 and m = 100.
# Times, event locations and gradient norms side by side; the table goes to
# stdout, bench/results.md and bench/results.json. See bench/compare.py for
# what is measured and why.
#   bench/run.sh [--losslab PATH] [--quick] [--repeats N] [--no-tight]
# Debian's Python on purpose (numpy/scipy from apt, not a pyenv interpreter).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py=/usr/bin/python3
if ! "$py" -c 'import numpy, scipy' 2>/dev/null; then
  echo "bench: $py lacks numpy/scipy (scripts/deps.sh --bench installs them)" >&2
  exit 1
fi
exec "$py" "$here/compare.py" "$@"
