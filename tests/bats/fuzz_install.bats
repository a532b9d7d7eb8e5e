#!/usr/bin/env bats
# fuzz_install.bats: meson install gives <rump/fuzz.h>, librumpfuzz, rumpfuzz.pc, rumpfuzz(3) and the
# targets; a target of one's own, built with pkg-config rumpfuzz against a component library, replays images.

setup_file() {
	export SRC="$BATS_TEST_DIRNAME/../.."
	export WORK="$BATS_FILE_TMPDIR/fuzz_install"
	export PREFIX="$WORK/prefix"
	meson setup "$WORK/build" "$SRC" --prefix="$PREFIX" -Dbuildtype=debugoptimized -Dtests=false >/dev/null
	ninja -C "$WORK/build" >/dev/null
	meson install -C "$WORK/build" >/dev/null
	export PKG_CONFIG_PATH=$(dirname "$(find "$PREFIX" -name rumpfuzz.pc | head -n 1)")
	mkdir -p "$WORK/tree"
	echo hello > "$WORK/tree/file"
	mke2fs -q -F -t ext2 -d "$WORK/tree" "$WORK/ext2.img" 256k >/dev/null
}

@test "install puts fuzz.h, rumpfuzz.pc, rumpfuzz.3, both targets and the AFL++ mutator in place" {
	[ -f "$PREFIX/include/rump/fuzz.h" ]
	[ -n "$(find "$PREFIX" -path '*/rumpfuzz/rumpfuzz_afl_mutator.so')" ]
	[ -n "$PKG_CONFIG_PATH" ]
	[ -n "$(find "$PREFIX" -name rumpfuzz.3)" ]
	[ -x "$PREFIX/bin/rumpfuzz_ext2fs" ]
	[ -x "$PREFIX/bin/rumpfuzz_ffs" ]
	run pkg-config --libs rumpfuzz
	[ "$status" -eq 0 ]
	[[ "$output" == *-lrumpfuzz* ]]
}

@test "the installed target replays an image" {
	run "$PREFIX/bin/rumpfuzz_ext2fs" -run "$WORK/ext2.img"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$WORK/ext2.img: mounted rw" ]]
}

@test "a target of one's own fuzzes a component library linked to it, and nothing without it" {
	LIBDIR=$(pkg-config --variable=libdir rumpfuzz)
	# the component registers from a constructor: nothing calls it by name, so no --as-needed
	cc -std=c11 -Wall -Werror -o "$WORK/own" "$SRC/tests/fuzz/own_component.c" \
	    $(pkg-config --cflags --libs rumpfuzz) -Wl,--no-as-needed -lrumpfs_ext2fs
	run env LD_LIBRARY_PATH="$LIBDIR" "$WORK/own" -run "$WORK/ext2.img"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$WORK/ext2.img: mounted rw" ]]
	cc -std=c11 -Wall -Werror -o "$WORK/none" "$SRC/tests/fuzz/own_component.c" \
	    $(pkg-config --cflags --libs rumpfuzz)
	run env LD_LIBRARY_PATH="$LIBDIR" "$WORK/none" -run "$WORK/ext2.img"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$WORK/ext2.img: not mounted" ]]
}
