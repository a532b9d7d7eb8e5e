#!/usr/bin/env bats
# ukfs_install.bats: meson install gives <rump/ukfs.h>, libukfs, ukfs.pc, the tool and the man pages; a NetBSD-style ukfs program builds and runs.

setup_file() {
	export SRC="$BATS_TEST_DIRNAME/../.."
	export WORK="$BATS_FILE_TMPDIR/ukfs_install"
	export PREFIX="$WORK/prefix"
	meson setup "$WORK/build" "$SRC" --prefix="$PREFIX" -Dbuildtype=debugoptimized -Dtests=false >/dev/null
	ninja -C "$WORK/build" >/dev/null
	meson install -C "$WORK/build" >/dev/null
	export PKG_CONFIG_PATH=$(dirname "$(find "$PREFIX" -name ukfs.pc | head -n 1)")
	mkdir -p "$WORK/tree/etc"
	echo "hello netbsd" > "$WORK/tree/etc/motd"
	mke2fs -q -F -t ext2 -d "$WORK/tree" "$WORK/ext2.img" 2M > /dev/null
}

@test "install puts ukfs.h, ukfs.pc, the tool and both man pages in place" {
	[ -f "$PREFIX/include/rump/ukfs.h" ]
	[ -n "$PKG_CONFIG_PATH" ]
	[ -x "$PREFIX/bin/ukfs" ]
	[ -n "$(find "$PREFIX" -name ukfs.3)" ]
	[ -n "$(find "$PREFIX" -name ukfs.1)" ]
	run pkg-config --libs ukfs
	[ "$status" -eq 0 ]
	[[ "$output" == *-lukfs* ]]
}

@test "a NetBSD-style ukfs program builds with pkg-config ukfs and reads an ext2 image" {
	cc -std=c11 -D_GNU_SOURCE -Wall -Werror -o "$WORK/prog" "$SRC/tests/ukfs/netbsd_style.c" \
	    $(pkg-config --cflags --libs ukfs)
	LIBDIR=$(pkg-config --variable=libdir ukfs)
	run env LD_LIBRARY_PATH="$LIBDIR" "$WORK/prog" "$WORK/ext2.img" /etc/motd
	[ "$status" -eq 0 ]
	# Every linked type is listed once, in the order the components attached.
	types=$(sed -n 's/^types: //p' <<< "$output")
	[ "$(tr ' ' '\n' <<< "$types" | sort | tr '\n' ' ')" = "ext2fs ffs rumpfs " ]
	[[ "$output" == *"/etc/motd: 13 bytes: hello netbsd"* ]]
	[[ "$output" == *"MNT_RDONLY: mkdir refused: Read-only file system"* ]]
	# The same image as partition 1 of an MBR disk, through UKFS_DEVICE_ARGVPROBE.
	truncate -s 4M "$WORK/disk.img"
	printf 'label: dos\nstart=2048, size=4096, type=83\n' | sfdisk -q "$WORK/disk.img"
	dd if="$WORK/ext2.img" of="$WORK/disk.img" bs=512 seek=2048 conv=notrunc status=none
	run env LD_LIBRARY_PATH="$LIBDIR" "$WORK/prog" "$WORK/disk.img%MBR:1%" /etc/motd
	[ "$status" -eq 0 ]
	[[ "$output" == *"hello netbsd"* ]]
	run env LD_LIBRARY_PATH="$LIBDIR" "$WORK/prog" "$WORK/disk.img%MBR:3%" /etc/motd
	[ "$status" -eq 1 ]
	[[ "$output" == *"disk.img%MBR:3%: No such file or directory"* ]]
}

@test "the installed tool runs" {
	LIBDIR=$(pkg-config --variable=libdir ukfs)
	run env LD_LIBRARY_PATH="$LIBDIR" "$PREFIX/bin/ukfs" "$WORK/ext2.img" cat /etc/motd
	[ "$status" -eq 0 ]
	[ "$output" = "hello netbsd" ]
}
