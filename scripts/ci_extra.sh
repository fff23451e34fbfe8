#!/usr/bin/env bash
# The robustness jobs of issue 6, for .ci/run after the test suite:
#   1. scripts/sanitize.sh  ASan + UBSan build, whole CTest suite (the CLI
#                           tests run the sanitized losslab binary);
#   2. scripts/valgrind.sh  memcheck on every test program of a Release
#                           build, under a time budget;
#   3. scripts/fuzz.sh      each libFuzzer target for FUZZ_SECONDS.
# Any report, failing test, crash or overrun fails the script (all three
# run even if one fails; the summary says which).
#
# Usage: scripts/ci_extra.sh
# Environment (defaults keep the whole job at about 6 minutes on 2 cores):
#   FUZZ_SECONDS  seconds per fuzz target (default 30; 4 targets, 2 at a time)
#   VG_BUDGET     seconds for all valgrind tests (default 420)
#   VG_CHILDREN   0 (default here): CLI tests run the plain losslab under
#                 valgrind's test program but not losslab itself under
#                 valgrind. The binary's own memory errors and leaks are
#                 covered by job 1 (ASan runs it in every CLI test), and
#                 running it under valgrind too costs minutes. Set 1 for the
#                 full check.
#   VG_EXCLUDE    tests left out of the valgrind job (ctest -E regex).
#                 Default: the slowest under valgrind, measured 2026-11-25
#                 (2 cores): linalg_test_ldlt 201 s, study_test_widths
#                 > 200 s, study_test_kernel_ratio 164 s, study_test_paper
#                 134 s, pipeline_test_pipeline 107 s, study_test_branch_jump
#                 83 s, example_trace_min 75 s, study_test_hessian_paths
#                 (6 s natively: three full traces). They still run natively and
#                 under ASan+UBSan in job 1, and their code paths
#                 (continuation, events, coefficients, the dense solvers) run
#                 under valgrind in the smaller tests. Rule: a new test that
#                 takes over ~60 s under valgrind joins this list.
#                 VG_EXCLUDE= (empty) runs everything (about 15 minutes).
#   ASAN_BUILD, VG_BUILD, FUZZ_DIR  build directories of the three scripts.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
export VG_BUDGET=${VG_BUDGET:-420} VG_CHILDREN=${VG_CHILDREN:-0}
export VG_EXCLUDE=${VG_EXCLUDE-^(linalg_test_ldlt|study_test_widths|study_test_kernel_ratio|study_test_paper|pipeline_test_pipeline|study_test_branch_jump|example_trace_min|study_test_hessian_paths)$}
status=0
lines=()
t_all=$SECONDS

job() { # name command...
  local name=$1 t=$SECONDS rc=0
  shift
  echo "=== ci_extra: $name: $*"
  "$@" || rc=$?
  ((rc == 0)) || status=1
  lines+=("$(printf '%-9s %5d s  %s' "$name" $((SECONDS - t)) \
    "$( ((rc == 0)) && echo ok || echo "FAILED (exit $rc)")")")
}

job sanitize scripts/sanitize.sh
job valgrind scripts/valgrind.sh
job fuzz scripts/fuzz.sh "$FUZZ_SECONDS"

echo "=== ci_extra summary"
printf '%s\n' "${lines[@]}"
echo "total     $((SECONDS - t_all)) s: $( ((status == 0)) && echo ok || echo FAILED)"
exit $status
