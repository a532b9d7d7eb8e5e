#!/bin/sh
# run_parallel.sh libfuzzer|afl TARGET FSTYPE SECONDS: the engines' parallel modes on a target,
# unchanged: libFuzzer -fork=2 (it must exit 0 after SECONDS with no crash), AFL++ -M main and
# -S secondary on one output directory (both must execute inputs and save no crash).
set -eu
engine=$1 fstype=$3 secs=$4
target=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/mkseeds.sh" "$tmp/seeds" "$fstype"
mkdir "$tmp/corpus"
cd "$tmp"
if [ "$engine" = libfuzzer ]; then
	"$target" -seed=1 -fork=2 -max_total_time="$secs" -max_len=400000 -rss_limit_mb=2048 corpus seeds >log 2>&1 ||
		{ tail -30 log; exit 1; }
	grep -q "INFO: -fork=2" log && grep -q "INFO: exiting: 0" log || { tail -30 log; exit 1; }
	grep "INFO: exiting" log
	exit 0
fi
unset ASAN_OPTIONS UBSAN_OPTIONS
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
afl-fuzz -V "$secs" -m none -t 10000 -i seeds -o out -M main -- "$target" >main.log 2>&1 &
main=$!
afl-fuzz -V "$secs" -m none -t 10000 -i seeds -o out -S sec -- "$target" >sec.log 2>&1 ||
	{ tail -20 sec.log; exit 1; }
wait $main || { tail -20 main.log; exit 1; }
for w in main sec; do
	execs=$(awk '/^execs_done/ { print $3 }' "out/$w/fuzzer_stats")
	crashes=$(awk '/^saved_crashes/ { print $3 }' "out/$w/fuzzer_stats")
	echo "$w: $execs executions, $crashes crashes"
	[ "$execs" -gt 100 ] && [ "$crashes" = 0 ] || exit 1
done
