#!/usr/bin/env bash
# ASan + UBSan build of the whole project and its test suite.
#
# Usage: scripts/sanitize.sh
# Environment: ASAN_BUILD (build dir, default build-asan), JOBS (default 2),
#   SANITIZE_TEST_TIMEOUT (seconds per test program, default 600).
#
# Configures CMake with -DLL_SANITIZE=ON (-fsanitize=address,undefined) in
# Debug, builds everything and runs ctest. Any sanitizer report fails the
# run: ASan aborts on its first error, UBSan is made fatal by halt_on_error
# (the CMake flags leave UB checks recoverable), LeakSanitizer is on. Tests
# that run the losslab binary run the sanitized binary, with the same
# options (they inherit the environment). Every report is also written to
# $ASAN_BUILD/san-logs/ (log_path), so that a report from a losslab
# subprocess whose exit code a test does not check still fails the run; the
# reports are printed at the end. Exit status: nonzero on a build failure, a
# failing test or any report.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
B=${ASAN_BUILD:-build-asan}
JOBS=${JOBS:-2}
scripts/deps.sh

t0=$SECONDS
cmake -S . -B "$B" -DLL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$B" -j "$JOBS"
t1=$SECONDS

LOGS=$(cd "$B" && pwd)/san-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:log_path=$LOGS/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$LOGS/ubsan
# No suppressions: fontconfig's and cairo's caches are freed by
# ll_io_shutdown() (the CLI and the drawing tests call it); LSan's own
# built-in ones would otherwise print a usage table that is not a report.
export LSAN_OPTIONS=print_suppressions=0
rc=0
(cd "$B" && ctest --output-on-failure -j "$JOBS" --timeout "${SANITIZE_TEST_TIMEOUT:-600}") || rc=$?
for f in "$LOGS"/*; do
  grep -qE 'ERROR|runtime error|SUMMARY' "$f" || continue
  echo "sanitize: report in $f:"; head -80 "$f"; rc=1
done
echo "sanitize: build $((t1 - t0)) s, tests $((SECONDS - t1)) s: $([[ $rc == 0 ]] && echo ok || echo FAILED)"
exit $rc
