#!/usr/bin/env bats
# ukfs_sparse.bats: holes stay holes through ukfs get/cat/put/write on ext2 and FFS; hostile sizes cost blocks, not size.

load ukfs_helper

setup_file() { ukfs_setup_file; }
setup() {
	ukfs_setup
	# 50 MiB holding 4 bytes, as the brief of the feature makes it
	mkdir "$T/src"
	truncate -s 50M "$T/src/f"
	echo end >> "$T/src/f"
	# and a file of zeros only, read through a pipe by write
	head -c 3M /dev/zero > "$T/src/z"
}
teardown() { ukfs_teardown; }

kib() {
	du -k "$1" | cut -f1
}

# empty_img FS: an empty 64 MiB image $T/img of ext2 or ffs.
empty_img() {
	if [ "$1" = ext2 ]; then
		truncate -s 64M "$T/img"
		mke2fs -q -t ext2 -F "$T/img"
	else
		mkdir -p "$T/empty"
		makefs -t ffs -o version=2 -s 64m "$T/img" "$T/empty" >/dev/null
	fi
}

# img_kib PATH: KiB that the file takes in the image, as ukfs du says.
img_kib() {
	"$UKFS" "$T/img" du -s "$1" | cut -f1
}

img_clean() {
	run "$UKFS" "$T/img" check
	echo "$output"
	[ "$status" -eq 0 ]
}

# put_get_holes FS: put, put -r and write leave holes in the image; get, get -r and cat write them on the host.
put_get_holes() {
	empty_img "$1"
	"$UKFS" "$T/img" put "$T/src/f" /f
	"$UKFS" "$T/img" put -r "$T/src" /d
	"$UKFS" "$T/img" write /w < "$T/src/z"
	for p in /f /d/f /d/z /w; do
		[ "$(img_kib $p)" -lt 200 ]
	done
	[ "$("$UKFS" "$T/img" stat /w | sed -n 's/^Size: //p')" = 3145728 ]
	img_clean
	mkdir "$T/out"
	"$UKFS" "$T/img" get /f "$T/out/get"
	"$UKFS" "$T/img" get -r /d "$T/out/r"
	"$UKFS" "$T/img" cat /f > "$T/out/cat"
	"$UKFS" "$T/img" cat /f /w > "$T/out/cat2"
	for f in "$T/out/get" "$T/out/r/f" "$T/out/cat"; do
		cmp "$T/src/f" "$f"
		[ "$(kib "$f")" -lt 64 ]
	done
	cmp "$T/src/z" "$T/out/r/z"
	[ "$(kib "$T/out/r/z")" -lt 64 ]
	cat "$T/src/f" "$T/src/z" | cmp - "$T/out/cat2"
	[ "$(kib "$T/out/cat2")" -lt 64 ]
	# a pipe gets every zero
	[ "$("$UKFS" "$T/img" cat /f | wc -c)" = 52428804 ]
}

@test "ext2: put, put -r, write leave holes; get, get -r, cat to a file write holes (debugfs agrees)" {
	put_get_holes ext2
	[ "$(debugfs -R "stat /f" "$T/img" 2>/dev/null | sed -n 's/.*Blockcount: \([0-9]*\).*/\1/p')" -lt 100 ]
	run e2fsck -fn "$T/img"
	[ "$status" -eq 0 ]
}

@test "ffs: put, put -r, write leave holes; get, get -r, cat to a file write holes (fsck_ffs agrees)" {
	put_get_holes ffs
	run "$BUILD/fs/ffs/fsck_ffs" "$T/img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "get -r of 50 MiB holding 4 bytes fits a 1 MiB tmpfs; real data that does not fit fails with ENOSPC, exit 1" {
	empty_img ext2
	"$UKFS" "$T/img" mkdir /s /d
	"$UKFS" "$T/img" put "$T/src/f" /s/f
	head -c 2M /dev/urandom > "$T/rand"
	"$UKFS" "$T/img" put "$T/rand" /d/rand
	mkdir "$T/small"
	mount -t tmpfs -o size=1m tmpfs "$T/small"
	"$UKFS" "$T/img" get -r /s "$T/small/s"
	"$UKFS" "$T/img" get /s/f "$T/small/f"
	cmp "$T/src/f" "$T/small/s/f"
	cmp "$T/src/f" "$T/small/f"
	run "$UKFS" "$T/img" get -r /d "$T/small/d"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
	run "$UKFS" "$T/img" put /nonexistent /g
	[ "$status" -eq 1 ]
	[[ "$output" == *"/nonexistent: No such file or directory"* ]]
}

# ffs_set_size IMG INO SIZE: patch di_size of inode INO (cylinder group 0) of a makefs image, either byte order.
ffs_set_size() {
	python3 - "$@" <<'EOF'
import struct, sys
img, ino, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0)
with open(img, 'r+b') as f:
    f.seek(8192)
    sb = f.read(1376)
    for e in '<>':
        magic = struct.unpack_from(e + 'i', sb, 1372)[0]
        if magic in (0x011954, 0x19540119):
            break
    else:
        sys.exit('not an FFS superblock at 8192')
    ufs2 = magic == 0x19540119
    iblkno, fsize, ipg = (struct.unpack_from(e + 'i', sb, o)[0] for o in (16, 52, 184))
    if ino >= ipg:
        sys.exit('inode not in cylinder group 0')
    f.seek(iblkno * fsize + ino * (256 if ufs2 else 128) + (16 if ufs2 else 8))
    f.write(struct.pack(e + 'Q', size))
EOF
}

# hostile FS [VERSION]: /f claims 8 GiB with 64 KiB of blocks; /big claims more than the format can address.
hostile() {
	local ino big
	# whole blocks, so that FFS's size rule for the direct blocks holds at any size
	{ echo data; head -c 65531 /dev/urandom; } > "$T/src/f"
	echo data > "$T/src/big"
	rm -f "$T/src/z"
	if [ "$1" = ext2 ]; then
		mke2fs -q -t ext2 -F -d "$T/src" "$T/img" 8M
		big=$("$UKFS" "$T/img" stat /big | sed -n 's/^Inode: //p')
		debugfs -w -R "sif /f size 0x200000000" "$T/img" 2>/dev/null
		debugfs -w -R "sif /big size 0x100000000000" "$T/img" 2>/dev/null
	else
		makefs -t ffs -o version="$2" -B le -s 8m "$T/img" "$T/src" >/dev/null
		ino=$("$UKFS" "$T/img" stat /f | sed -n 's/^Inode: //p')
		big=$("$UKFS" "$T/img" stat /big | sed -n 's/^Inode: //p')
		ffs_set_size "$T/img" "$ino" 0x200000000
		ffs_set_size "$T/img" "$big" 0x7000000000000000
	fi
	# Within the format: copied in its blocks, the rest a hole.
	mkdir "$T/out"
	run timeout 60 "$UKFS" "$T/img" get /f "$T/out/f"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$T/out/f")" = 8589934592 ]
	[ "$(kib "$T/out/f")" -lt 200 ]
	cmp -n 65536 "$T/src/f" "$T/out/f"
	# Beyond it: a corrupt inode, named with the image; get -r copies the rest and exits 1.
	run timeout 60 "$UKFS" "$T/img" get -r / "$T/out/r"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"inode $big: size "* ]]
	[[ "$output" == *"ukfs: $T/img: /big: Input/output error"* ]]
	[ "$(stat -c %s "$T/out/r/f")" = 8589934592 ]
	[ "$(du -sk "$T/out/r" | cut -f1)" -lt 300 ]
	run "$UKFS" "$T/img" cat /big
	[ "$status" -eq 1 ]
	[[ "$output" == *"inode $big: size "* ]]
	[[ "$output" == *"$T/img: /big: Input/output error"* ]]
}

@test "ext2 hostile sizes: 8 GiB with 64 KiB of blocks costs 64 KiB; beyond the format's limit is a corrupt inode" {
	hostile ext2
}

@test "ffs hostile sizes (UFS1, UFS2): 8 GiB with 64 KiB of blocks costs 64 KiB; beyond maxfilesize is a corrupt inode" {
	hostile ffs 1
	rm -rf "$T/out" "$T/img"
	hostile ffs 2
}
