#!/bin/bash -eu
# build.sh: the OSS-Fuzz build.  From the tree at $SRC/rump (OSS-Fuzz's
# clone) or at $SRC itself (a local run), with the
# compiler and flags OSS-Fuzz sets ($CC, $CFLAGS, $LIB_FUZZING_ENGINE), it
# builds the kernel, the harness and the file systems as static archives in
# $WORK, links one target per file system into $OUT, and puts next to each
# its seed corpus (<target>_seed_corpus.zip: tests/fuzz/mkseeds.sh's images,
# raw and packed by rumpfuzz-pack), its dictionary (<target>.dict) and its
# libFuzzer options (<target>.options).  Also runs outside OSS-Fuzz with
# those variables set (fuzz/oss-fuzz/check_build.sh does, in CI).
: "${CC:?is the compiler (clang)}" "${CFLAGS?is the sanitizer and coverage flags}"
: "${LIB_FUZZING_ENGINE:?is the engine to link (-fsanitize=fuzzer for libFuzzer)}"
: "${SRC:?holds the tree}" "${OUT:?receives the targets}" "${WORK:?holds the build}"
if [ -f "$SRC/fuzz/oss-fuzz/build.sh" ]; then src=$SRC; else src=$SRC/rump; fi
mkdir -p "$OUT" "$WORK"
build=$WORK/rump-build
fstypes="ext2fs ffs"

# Sanitizer and coverage flags must reach meson's links too: the archives'
# objects need their runtimes in every executable the tree builds.
export LDFLAGS="${LDFLAGS:-} $CFLAGS"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$src" -Dtests=false -Dbuildtype=plain -Db_sanitize=none \
	    -Db_lundef=false -Dwerror=false >/dev/null
fi
archives="kern/librumpkern_a.a vfs/librumpvfs_a.a fuzz/librumpfuzz_a.a fuzz/image/libfuzzimage_core.a"
fsarchive() { echo "fs/$1/librumpfs_$1_a.a"; }
ninja -C "$build" $archives $(for t in $fstypes; do fsarchive "$t"; done) fuzz/image/rumpfuzz-pack

for t in $fstypes; do
	target=rumpfuzz_$t
	# The components register from constructors: nothing names them, so whole archives.
	$CC $CFLAGS -std=c11 -I"$src/include" -DRUMPFUZZ_LIBFUZZER -DRUMPFUZZ_FSTYPE="\"$t\"" \
	    -c "$src/fuzz/rumpfuzz_target.c" -o "$WORK/$target.o"
	${CXX:-$CC} $CFLAGS "$WORK/$target.o" -Wl,--whole-archive "$build/$(fsarchive "$t")" \
	    $(for a in $archives; do echo "$build/$a"; done) -Wl,--no-whole-archive \
	    $LIB_FUZZING_ENGINE -lpthread -o "$OUT/$target"

	seeds=$WORK/seeds_$t
	rm -rf "$seeds"
	sh "$src/tests/fuzz/mkseeds.sh" "$seeds" "$t"
	for img in "$seeds"/*.img; do
		"$build/fuzz/image/rumpfuzz-pack" "$img" >"${img%.img}.packed.rfz"
		# and a short program after the mount (create, write, mkdir...), as the CI campaigns' seeds
		printf '\000\000\001\000\000\000\020\101\007\003' >>"${img%.img}.packed.rfz"
	done
	rm -f "$OUT/${target}_seed_corpus.zip"
	zip -q -j "$OUT/${target}_seed_corpus.zip" "$seeds"/*
	cp "$src/fuzz/dict/$t.dict" "$OUT/$target.dict"
	# as the CI campaigns: room for every seed image (at most 256 KiB) and its program
	printf '[libfuzzer]\nmax_len = 400000\n' >"$OUT/$target.options"
done
