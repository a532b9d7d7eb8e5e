#!/bin/sh
# run_fuzz.sh FUZZER SCRIPTDIR: make the seed corpus, then run the fuzzer for a bounded number of runs.
set -eu
fuzzer=$1 dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$dir/make_corpus.sh" "$tmp/seeds"
mkdir "$tmp/corpus"
exec "$fuzzer" -runs=2000 -max_total_time=60 -max_len=200000 -rss_limit_mb=2048 \
    "$tmp/corpus" "$tmp/seeds"
