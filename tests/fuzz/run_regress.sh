#!/bin/sh
# run_regress.sh TARGET FSTYPE: every input in tests/fuzz/regress/ named FSTYPE_* (one the kit once
# found a bug with) replays through TARGET's plain main with the sanitizers halting: it must end in
# an outcome (mounted, not mounted, rejected), never a finding, a crash or a sanitizer report.
set -eu
target=$1 fstype=$2
dir=$(dirname "$0")/regress
n=0
for f in "$dir/${fstype}"_*; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	out=$(UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$target" -run "$f" 2>"${TMPDIR:-/tmp}/regress.$$") || {
		cat "${TMPDIR:-/tmp}/regress.$$" >&2; rm -f "${TMPDIR:-/tmp}/regress.$$"
		echo "run_regress.sh: $f: exit $?" >&2; exit 1; }
	rm -f "${TMPDIR:-/tmp}/regress.$$"
	case "$out" in
	*FINDING*) echo "run_regress.sh: $out" >&2; exit 1 ;;
	esac
	echo "$out"
done
[ "$n" -gt 0 ] || { echo "run_regress.sh: no $fstype inputs in $dir" >&2; exit 1; }
