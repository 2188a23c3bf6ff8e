#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: runs the test suites and sums their TAP output. Usage: run.sh [lint|unit|integration|e2e|sanitize|tsan|fuzz]...
# The last line is "N passed, N failed" (CI reads it).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
export BUILD
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(lint unit integration e2e sanitize tsan fuzz)

pass=0 fail=0 skipped=0 todo=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Each producer runs for TEST_TIMEOUT seconds at most (the longest takes about 100 s
# here): one that hangs fails with its output so far, and the rest still run.
TEST_TIMEOUT=${TEST_TIMEOUT:-600}

# run_tap NAME CMD...: runs one TAP producer and adds up its results.
run_tap() {
	local name=$1; shift
	local start=$SECONDS
	if [ "$(type -t "$1")" = function ]; then
		"$@" >"$log" 2>&1 # lint: a function here (timeout runs programs only)
	else
		timeout --kill-after=10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1
	fi
	local rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok - $name did not finish within $TEST_TIMEOUT s (TEST_TIMEOUT): stopped" >>"$log"
	fi
	local p f s t
	p=$(grep -cE '^ok [0-9]+' "$log")
	s=$(grep -cE '^ok [0-9]+.*# SKIP' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	# TAP's TODO: a known failure waiting for named work (lib.sh todo), not counted as failed
	t=$(grep -cE '^not ok [0-9]+.*# TODO' "$log")
	p=$((p - s))
	f=$((f - t))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# crashed or exited early: count it so it is never green
		f=1
		echo "not ok - $name exited with status $rc"
	fi
	pass=$((pass + p)); fail=$((fail + f)); skipped=$((skipped + s)); todo=$((todo + t))
	if [ "$f" -gt 0 ] || [ "${VERBOSE:-0}" = 1 ]; then
		sed 's/^/    /' "$log"
	else
		# skips, and TODOs whichever way they went (a passing one can lose its todo)
		grep -E '# (SKIP|TODO)' "$log" | sed 's/^/    /'
	fi
	printf '%-44s %3d passed %3d failed %3d skipped  (%ds)\n' "$name" "$p" "$f" "$s" \
		$((SECONDS - start))
}

unit() {
	local t
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP run_tap "unit/$(basename "$t")" "$t"
	done
}

shell_suite() {
	local dir=$1 t
	for t in tests/"$dir"/t_*.sh; do
		[ -f "$t" ] || continue
		run_tap "$dir/$(basename "$t" .sh)" bash "$t"
	done
}

sanitize() {
	local t
	for t in build-san/tests/test_*; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			run_tap "sanitize/$(basename "$t")" "$t"
	done
}

# The unit tests make test builds under ThreadSanitizer (the Makefile's TSAN_UNITS;
# without it, every one built there).
tsan() {
	local t u out
	local tests=(build-tsan/tests/test_*)
	if [ -n "${TSAN_UNITS:-}" ]; then
		tests=()
		for u in $TSAN_UNITS; do tests+=("build-tsan/tests/test_$u"); done
	fi
	# TSan's runtime cannot start on some kernels' address layouts: say so, do not fail
	if [ -x build-tsan/tcptop ] && ! out=$(build-tsan/tcptop --version 2>&1 >/dev/null) &&
		grep -q 'FATAL: ThreadSanitizer' <<<"$out"; then
		echo "tsan: skipped: ThreadSanitizer cannot run here: $(head -n 1 <<<"$out")"
		skipped=$((skipped + 1))
		return
	fi
	for t in "${tests[@]}"; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
			run_tap "tsan/$(basename "$t")" "$t"
	done
}

# Each fuzzer replays its seed corpus and then runs a short bounded session.
fuzz() {
	local f
	for f in build-fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		run_tap "fuzz/$(basename "$f")" tests/fuzz/run-one.sh "$f"
	done
}

# Style is checked like everything else: clang-format, cppcheck and the SPDX lines, one test each.
lint_tap() {
	if make --no-print-directory -s lint-format >/dev/null 2>&1; then
		echo "ok 1 - every source file is clang-formatted"
	else
		echo "not ok 1 - every source file is clang-formatted (run make format)"
		make --no-print-directory -s lint-format 2>&1 | grep -m5 warning | sed 's/^/#   /'
	fi
	if out=$(make --no-print-directory -s lint-cppcheck 2>&1); then
		echo "ok 2 - cppcheck finds nothing"
	else
		echo "not ok 2 - cppcheck finds nothing"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -20
	fi
	if out=$(scripts/spdx.sh --check 2>&1); then
		echo "ok 3 - every source file starts with its SPDX licence identifier"
	else
		echo "not ok 3 - every source file starts with its SPDX licence identifier"
		printf '%s\n' "$out" | sed 's/^/#   /' | tail -6
	fi
	echo "1..3"
}

lint() {
	run_tap "lint" lint_tap
}

for s in "${suites[@]}"; do
	case "$s" in
	lint) lint ;;
	unit) unit ;;
	integration) shell_suite integration ;;
	e2e) shell_suite e2e ;;
	sanitize) sanitize ;;
	tsan) tsan ;;
	fuzz) fuzz ;;
	*) echo "run.sh: unknown suite $s" >&2; exit 2 ;;
	esac
done
echo "$skipped skipped"
[ "$todo" -eq 0 ] || echo "$todo known failures marked TODO (waiting for the work they name)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
