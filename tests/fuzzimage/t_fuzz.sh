#!/bin/bash
# t_fuzz.sh FUZZER PACK MKSEEDS RUNS: the map parsers fuzzed a bounded while from
# the seed images packed by rumpfuzz-pack, mutated by the image-aware mutator.
set -euo pipefail
fuzzer=$1 pack=$2 mkseeds=$3 runs=$4
d=$(mktemp -d /tmp/fuzzimage-fuzz.XXXXXX)
trap 'rm -rf "$d"' EXIT
bash "$mkseeds" "$d/seeds" > /dev/null
mkdir "$d/corpus"
for img in "$d"/seeds/*.img; do
	"$pack" -o "$d/corpus/$(basename "$img" .img).rfz" "$img"
done
"$fuzzer" -runs="$runs" -max_total_time=60 -max_len=1048576 -timeout=30 "$d/corpus"
