#!/bin/sh
# run_afl.sh TARGET FSTYPE SECONDS [MUTATOR]: a bounded AFL++ campaign of an -Dafl=true TARGET
# from mkseeds.sh's FSTYPE seeds: persistent mode with shared-memory test cases must be detected,
# inputs must be executed, and no crash or hang saved.  With MUTATOR (rumpfuzz_afl_mutator.so)
# the seeds are RFZ1 inputs with a program and only that mutator runs; it must be installed.
set -eu
target=$1 fstype=$2 secs=$3 mutator=${4:-}
command -v afl-fuzz >/dev/null || { echo "run_afl.sh: afl-fuzz not found (Debian package afl++)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/mkseeds.sh" "$tmp/seeds" "$fstype"
if [ -n "$mutator" ]; then
	for f in "$tmp"/seeds/*; do
		python3 - "$f" <<'PY'
import struct, sys
img = open(sys.argv[1], "rb").read()
prog = bytes([0, 0xc0, 1, 0xc0, 0, 1, 0x10, 0x27, 65, 7, 0xc2, 4, 0xc0, 0xc3, 14, 0, 14, 1])
open(sys.argv[1], "wb").write(b"RFZ1" + bytes(4) + struct.pack("<I", len(img)) + img + prog)
PY
	done
	export AFL_CUSTOM_MUTATOR_LIBRARY=$mutator AFL_CUSTOM_MUTATOR_ONLY=1
fi
# the AFL build has no sanitizers; afl-fuzz refuses ASAN_OPTIONS without abort_on_error
unset ASAN_OPTIONS UBSAN_OPTIONS
# These runs test the engine's integration (persistent mode, shared memory, the custom mutator);
# the FFS checker oracle hunts in the seeded libFuzzer campaigns, where a known open finding
# (tests/fuzz/findings/) stays unmet: AFL's schedule depends on timing and would meet it at random.
export RUMPFUZZ_NOCHECK=1
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_SKIP_CRASHES=0 AFL_BENCH_UNTIL_CRASH=1
# A fixed seed (-s 1), as the libFuzzer campaigns: a bug the campaign has not met stays unmet.
afl-fuzz -s 1 -V "$secs" -m none -t 10000 -i "$tmp/seeds" -o "$tmp/out" -- "$target" >"$tmp/log" 2>&1 ||
	{ tail -30 "$tmp/log"; echo "run_afl.sh: afl-fuzz failed" >&2; exit 1; }
stats=$tmp/out/default/fuzzer_stats
[ -f "$stats" ] || { tail -30 "$tmp/log"; exit 1; }
grep -E "^(execs_done|execs_per_sec|saved_crashes|saved_hangs|corpus_count)" "$stats"
grep -q "Persistent mode binary detected" "$tmp/log" || { echo "run_afl.sh: not persistent" >&2; exit 1; }
if [ -n "$mutator" ]; then
	grep -q "Custom mutator '.*' installed successfully" "$tmp/log" ||
		{ tail -30 "$tmp/log"; echo "run_afl.sh: the custom mutator was not installed" >&2; exit 1; }
fi
grep -q "Using SHARED MEMORY FUZZING feature" "$tmp/log" ||
	{ echo "run_afl.sh: test cases not delivered in shared memory" >&2; exit 1; }
execs=$(awk '/^execs_done/ { print $3 }' "$stats")
crashes=$(awk '/^saved_crashes/ { print $3 }' "$stats")
hangs=$(awk '/^saved_hangs/ { print $3 }' "$stats")
[ "$execs" -gt 1000 ] || { echo "run_afl.sh: only $execs executions" >&2; exit 1; }
if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
	# keep what it found for the replay main (BUILD/fuzz/rumpfuzz_TYPE -v -run FILE)
	keep=${MESON_BUILD_ROOT:-.}/afl-findings
	mkdir -p "$keep"
	cp "$tmp"/out/default/crashes/id* "$tmp"/out/default/hangs/id* "$keep"/ 2>/dev/null || true
	echo "run_afl.sh: $crashes crashes, $hangs hangs (inputs kept in $keep)" >&2
	exit 1
fi
