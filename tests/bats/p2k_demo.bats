#!/usr/bin/env bats
# p2k_demo.bats: the README's demo (scripts/demo) mounts, round-trips and checks both images.

@test "scripts/demo: ext2 and FFS images mounted through FUSE, written, unmounted, clean" {
	run env DEMO_BUILDDIR="${RUMP_BUILDDIR:-$BATS_TEST_DIRNAME/../../build}" \
	    bash "$BATS_TEST_DIRNAME/../../scripts/demo"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"fuse.ext2fs"* && "$output" == *"fuse.ffs"* ]]
	[[ "$output" == *"ext2: written through FUSE into ext2; copy.bin identical"* ]]
	[[ "$output" == *"ffs:  written through FUSE into ffs; copy.bin identical"* ]]
	[[ "$output" == *"ffs.img: clean"* ]]
	[[ "$output" == *"demo: both images mounted, written, unmounted and clean"* ]]
}

@test "install: the daemons, their man pages, <rump/p2k.h>, libp2k and p2k.pc" {
	run meson introspect "${RUMP_BUILDDIR:-$BATS_TEST_DIRNAME/../../build}" --installed
	[ "$status" -eq 0 ]
	for f in bin/rump_ext2fs bin/rump_ffs bin/rump_tmpfs man8/rump_ext2fs.8 man8/rump_ffs.8 \
	    man8/rump_tmpfs.8 include/rump/p2k.h libp2k.so pkgconfig/p2k.pc; do
		[[ "$output" == *"/$f\""* ]] || { echo "not installed: $f"; return 1; }
	done
	for m in rump_ext2fs rump_ffs rump_tmpfs; do
		man -l "$BATS_TEST_DIRNAME/../../daemons/$m.8" >/dev/null 2>&1 ||
		    { echo "$m.8 does not format"; return 1; }
	done
}
