#!/usr/bin/env bash
# Run every test of the CTest suite under valgrind memcheck.
#
# Usage: scripts/valgrind.sh [TEST_REGEX]
# Environment: VG_BUILD (build dir, default build-vg; a Release build),
#   JOBS (tests run at once, default 2), VG_TEST_TIMEOUT (seconds per test,
#   default 900), VG_BUDGET (seconds for all the tests, default 2400),
#   VG_CHILDREN (1: the losslab binary that CLI tests start runs under
#   valgrind too; default 1), VG_EXTRA (more valgrind options, e.g.
#   --track-origins=yes), VG_EXCLUDE (regex of tests to leave out, ctest -E;
#   default none).
#
# The tests, their commands, working directories and environments are
# CTest's own (`ctest --show-only=json-v1`, read by a small `cmake -P`
# script), and each runs as
#   valgrind --error-exitcode=99 --leak-check=full
#            --errors-for-leak-kinds=definite,indirect,possible
#            --suppressions=scripts/valgrind.supp <command>
# with its report in $VG_BUILD/vg-logs/<test>.log. CLI tests start
# $LOSSLAB_BIN as a subprocess; with VG_CHILDREN=1 that variable points to a
# wrapper running losslab under the same valgrind with its report in a log
# file (not in the output the test checks), so a report there turns the exit
# code the test expects into 99 and fails it, and is found in the logs too.
# Exit status: nonzero if a test fails, times out or runs past the budget,
# or valgrind reports anything (any non-empty log: valgrind -q writes only
# errors).
#
# Every test must pass under valgrind as natively. (The one assertion that
# cannot, linalg_test_blas's ll_nrm2 overflow check -- OpenBLAS sums squares
# in x87 80-bit registers, which valgrind emulates in 64 bits -- skips itself
# when RUNNING_ON_VALGRIND.)
# The suppressions file may hide only third-party false positives, never
# project code (see scripts/valgrind.supp).
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
ROOT=$(pwd)
B=${VG_BUILD:-build-vg}
[[ $B == /* ]] || B=$ROOT/$B
JOBS=${JOBS:-2}
FILTER=${1:-.}
scripts/deps.sh
dpkg-query -W -f='${Status}' valgrind 2>/dev/null | grep -q "install ok installed" || {
  echo "valgrind: installing valgrind"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends valgrind >/dev/null
}

t0=$SECONDS
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$B" -j "$JOBS"
t1=$SECONDS

LOGS=$B/vg-logs
SPECS=$B/vg-specs
rm -rf "$LOGS" "$SPECS"
mkdir -p "$LOGS" "$SPECS"
# shellcheck disable=SC2054,SC2206  # commas are intended; VG_EXTRA is split on purpose
VG=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect,possible
    --show-leak-kinds=definite,indirect,possible
    --suppressions="$ROOT/scripts/valgrind.supp" --gen-suppressions=all
    ${VG_EXTRA:-})

# The losslab wrapper for tests that start the binary.
WRAP=$B/losslab-vg
{ printf '#!/usr/bin/env bash\nexec'
  printf ' %q' "${VG[@]}" "--log-file=$LOGS/losslab.%p.log" "$B/losslab"
  printf ' "$@"\n'; } > "$WRAP"
chmod +x "$WRAP"

# One spec file per test: line 1 the working directory, then "E VAR=value"
# lines (the test's ENVIRONMENT), then "C arg" lines (its command).
(cd "$B" && ctest --show-only=json-v1 -R "$FILTER" ${VG_EXCLUDE:+-E "$VG_EXCLUDE"}) \
  > "$SPECS/tests.json"
cat > "$SPECS/split.cmake" <<'CMAKE'
file(READ "${json}" j)
string(JSON n LENGTH "${j}" tests)
if(n EQUAL 0)
  return()
endif()
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${j}" tests ${i} name)
  string(JSON nc LENGTH "${j}" tests ${i} command)
  set(out "${bdir}\n")
  string(JSON np ERROR_VARIABLE err LENGTH "${j}" tests ${i} properties)
  if(err)
    set(np 0)
  endif()
  if(np GREATER 0)
    math(EXPR plast "${np} - 1")
    foreach(p RANGE ${plast})
      string(JSON pname GET "${j}" tests ${i} properties ${p} name)
      if(pname STREQUAL "WORKING_DIRECTORY")
        string(JSON wd GET "${j}" tests ${i} properties ${p} value)
        set(out "${wd}\n")
      endif()
    endforeach()
    foreach(p RANGE ${plast})
      string(JSON pname GET "${j}" tests ${i} properties ${p} name)
      if(pname STREQUAL "ENVIRONMENT")
        string(JSON ne LENGTH "${j}" tests ${i} properties ${p} value)
        math(EXPR elast "${ne} - 1")
        foreach(e RANGE ${elast})
          string(JSON ev GET "${j}" tests ${i} properties ${p} value ${e})
          string(APPEND out "E ${ev}\n")
        endforeach()
      endif()
    endforeach()
  endif()
  math(EXPR clast "${nc} - 1")
  foreach(c RANGE ${clast})
    string(JSON arg GET "${j}" tests ${i} command ${c})
    string(APPEND out "C ${arg}\n")
  endforeach()
  file(WRITE "${dir}/${name}.spec" "${out}")
  file(APPEND "${dir}/order" "${name}\n")
endforeach()
CMAKE
cmake -Djson="$SPECS/tests.json" -Ddir="$SPECS" -Dbdir="$B" -P "$SPECS/split.cmake"
[[ -s $SPECS/order ]] || { echo "valgrind: no test matches '$FILTER'" >&2; exit 1; }
mapfile -t TESTS < "$SPECS/order"

printf '%s\n' "${VG[@]}" > "$SPECS/valgrind.args"

# shellcheck disable=SC2317  # run through xargs
run_one() {  # one test; prints one line, returns nonzero on failure
  local t=$1 s=$SECONDS rc=0 wd env=() cmd=() line VG
  mapfile -t VG < "$SPECS/valgrind.args"
  { read -r wd
    while IFS= read -r line; do
      case $line in
        "E "*) env+=("${line#E }") ;;
        "C "*) cmd+=("${line#C }") ;;
      esac
    done; } < "$SPECS/$t.spec"
  # OpenBLAS threads only slow valgrind down (it runs one thread at a time);
  # a test that sets OPENBLAS_NUM_THREADS itself overrides this (env: last wins).
  env=("OPENBLAS_NUM_THREADS=1" "${env[@]}")
  [[ ${VG_CHILDREN:-1} == 1 ]] && env+=("LOSSLAB_BIN=$B/losslab-vg")
  (cd "$wd" && env "${env[@]}" timeout "${VG_TEST_TIMEOUT:-900}" \
     "${VG[@]}" --log-file="$LOGS/$t.log" "${cmd[@]}" > "$LOGS/$t.out" 2>&1) || rc=$?
  local what=ok
  ((rc == 0)) || what="FAILED (exit $rc$( ((rc == 124)) && echo ', timeout'); output $LOGS/$t.out)"
  printf 'valgrind %-28s %4d s  %s\n' "$t" $((SECONDS - s)) "$what"
  ((rc == 0))
}
export -f run_one
export B LOGS SPECS VG_TEST_TIMEOUT VG_CHILDREN

status=0
# xargs runs JOBS tests at a time; the whole lot is bounded by VG_BUDGET.
# shellcheck disable=SC2016  # $1 is for the inner bash
printf '%s\n' "${TESTS[@]}" | timeout "${VG_BUDGET:-2400}" \
  xargs -P "$JOBS" -I{} bash -c 'run_one "$1"' _ {} || status=1
for f in "$LOGS"/*.log; do
  [[ -s $f ]] || continue
  echo "valgrind: report in $f:"; head -60 "$f"; status=1
done
echo "valgrind: build $((t1 - t0)) s, ${#TESTS[@]} tests $((SECONDS - t1)) s: $([[ $status == 0 ]] && echo ok || echo FAILED)"
exit $status
