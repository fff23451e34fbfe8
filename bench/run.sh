#!/usr/bin/env bash
# The benchmark of issues 2 and 5: `losslab trace` against the scipy
# finite-difference baseline (bench/baseline_scipy.py) and the PyTorch
# autograd baseline (bench/baseline_torch.py), all three in one run, on
# m = 10, 100, 1000 at d = 5 and m = 100 at d = 50 (--quick: m = 10, 100 at
# d = 5). Times, peak memory, event locations and gradient norms side by
# side; the table goes to stdout, bench/results.md and bench/results.json.
# See bench/compare.py for what is measured and why.
#   bench/run.sh [--losslab PATH] [--quick] [--repeats N] [--no-tight]
#                [--scipy-cap SECONDS]
# Debian's Python on purpose (numpy/scipy/torch from apt, not a pyenv
# interpreter); scripts/deps.sh --bench installs them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py=/usr/bin/python3
if ! "$py" -c 'import numpy, scipy, torch' 2>/dev/null; then
  echo "bench: $py lacks numpy/scipy/torch (scripts/deps.sh --bench installs them)" >&2
  exit 1
fi
exec "$py" "$here/compare.py" "$@"
