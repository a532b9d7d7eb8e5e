#!/bin/sh
# run_fuzz.sh FUZZER RUNS SECONDS: make the seed corpus in a temp dir and fuzz it a bounded while.
set -eu
fuzzer=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/mkcorpus.sh" "$tmp/corpus"
"$fuzzer" -runs="$2" -max_total_time="$3" -max_len=262144 -timeout=30 "$tmp/corpus"
