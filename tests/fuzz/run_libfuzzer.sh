#!/bin/sh
# run_libfuzzer.sh TARGET FSTYPE RUNS PACK: a bounded libFuzzer campaign of TARGET from mkseeds.sh's
# FSTYPE seeds (raw, wrapped as RFZ1 inputs with a short program, and packed by PACK, rumpfuzz-pack,
# with the same program: those the field-aware mutator works on); it must end with no finding.
# A fixed -seed: the same inputs each CI run, so a known bug the campaign has not met stays unmet.
set -eu
target=$1 fstype=$2 runs=$3 pack=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/mkseeds.sh" "$tmp/seeds" "$fstype"
mkdir "$tmp/corpus"
for f in "$tmp"/seeds/*; do
	python3 - "$f" "$f.rfz" <<'PY'
import struct, sys
img = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(b"RFZ1" + bytes(4) + struct.pack("<I", len(img)) + img + bytes([0, 0, 1, 0, 0, 0, 16, 65, 7, 3]))
PY
	"$pack" "$f" >"$f.packed.rfz"
	printf '\000\000\001\000\000\000\020\101\007\003' >>"$f.packed.rfz"
done
"$target" -seed=1 -runs="$runs" -max_total_time=60 -max_len=400000 -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 "$tmp/corpus" "$tmp/seeds" 2>"$tmp/log" || { tail -40 "$tmp/log"; exit 1; }
grep -E "^(Done|stat::number_of_executed_units)" "$tmp/log"
grep -q "^Done $runs runs" "$tmp/log" || { tail -20 "$tmp/log"; echo "run_libfuzzer.sh: did not do $runs runs" >&2; exit 1; }
