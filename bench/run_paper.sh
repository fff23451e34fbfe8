#!/usr/bin/env bash
# The benchmark of issue 3: `losslab paper` end to end and `losslab widths`
# (default widths) beside the scipy baseline extended to the same widths,
# measured in one run (bench/paper_bench.py says what and how).
#   bench/run_paper.sh [--losslab PATH] [--jobs N] [--repeats N]
#                      [--scipy-cap SECONDS] [--grid G]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py=/usr/bin/python3
if ! "$py" -c 'import numpy, scipy' 2>/dev/null; then
  echo "bench: $py lacks numpy/scipy (scripts/deps.sh --bench installs them)" >&2
  exit 1
fi
exec "$py" "$here/paper_bench.py" "$@"
