#!/bin/sh
# check_build.sh SRC: runs fuzz/oss-fuzz/build.sh as OSS-Fuzz would (clang, ASan with
# coverage, libFuzzer as $LIB_FUZZING_ENGINE; OUT, WORK temporary) and checks what lands in
# $OUT: per target an executable that fuzzes its seed corpus with its dictionary for 100 runs
# (the seeds' own among them) and replays a seed with -run, a seed corpus zip of raw and
# packed images, a dictionary and an options file.  Without $LIB_FUZZING_ENGINE, build.sh
# must stop before building, naming it.
set -eu
src=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/out" "$tmp/work"
fail() { echo "check_build.sh: $*" >&2; exit 1; }
if env -u LIB_FUZZING_ENGINE CC=clang CFLAGS=-O1 SRC="$src" OUT="$tmp/out" WORK="$tmp/work" \
    bash "$src/fuzz/oss-fuzz/build.sh" >"$tmp/noengine.log" 2>&1; then
	fail "build.sh without LIB_FUZZING_ENGINE succeeded"
fi
grep -q "LIB_FUZZING_ENGINE" "$tmp/noengine.log" || { cat "$tmp/noengine.log"; fail "no word of LIB_FUZZING_ENGINE"; }
[ -z "$(ls "$tmp/work")" ] || fail "build.sh without LIB_FUZZING_ENGINE built in \$WORK"
env CC=clang CXX=clang++ CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,fuzzer-no-link" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer SRC="$src" OUT="$tmp/out" WORK="$tmp/work" \
    bash "$src/fuzz/oss-fuzz/build.sh" >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; exit 1; }
for t in rumpfuzz_ext2fs rumpfuzz_ffs; do
	[ -x "$tmp/out/$t" ] || fail "no executable $t in \$OUT"
	[ -s "$tmp/out/$t.dict" ] || fail "no $t.dict"
	grep -q '^max_len = ' "$tmp/out/$t.options" || fail "no max_len in $t.options"
	mkdir "$tmp/corpus_$t"
	unzip -q "$tmp/out/${t}_seed_corpus.zip" -d "$tmp/corpus_$t"
	raw=$(find "$tmp/corpus_$t" -name '*.img' | wc -l)
	packed=$(find "$tmp/corpus_$t" -name '*.packed.rfz' | wc -l)
	[ "$raw" -ge 3 ] && [ "$packed" -eq "$raw" ] || fail "$t seed corpus: $raw raw, $packed packed images"
	"$tmp/out/$t" -runs=100 -seed=1 -max_len=400000 -dict="$tmp/out/$t.dict" "$tmp/corpus_$t" \
	    >"$tmp/$t.log" 2>&1 || { tail -30 "$tmp/$t.log"; fail "$t over its seed corpus failed"; }
	grep -q "^Dictionary: [1-9][0-9]* entries" "$tmp/$t.log" || fail "$t did not load its dictionary"
	grep -q "^Done 100 runs" "$tmp/$t.log" || { tail -10 "$tmp/$t.log"; fail "$t did not do 100 runs"; }
	img=$(find "$tmp/corpus_$t" -name '*.img' | sort | head -n 1)
	"$tmp/out/$t" -run "$img" >"$tmp/$t.run" 2>&1 || { cat "$tmp/$t.run"; fail "$t -run failed"; }
	grep -q "mounted r[wo]" "$tmp/$t.run" || { cat "$tmp/$t.run"; fail "$t -run did not mount $img"; }
	echo "$t: $raw raw + $packed packed seeds, $(grep -c = "$tmp/out/$t.dict") dictionary entries, 100 runs, replay mounted"
done
