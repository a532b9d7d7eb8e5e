#!/usr/bin/env bats
# p2k_ffs.bats: rump_ffs: makefs images (UFS1/UFS2, both byte orders) read back through FUSE; refusals.

load p2k_helper

setup() {
	p2k_setup
	p2k_tree "$T/src"
}

teardown() {
	p2k_teardown
}

# ffs_image VERSION ORDER: $T/ffs.img from $T/src.
ffs_image() {
	makefs -t ffs -o version="$1" -B "$2" "$T/ffs.img" "$T/src" >/dev/null
}

@test "rump_ffs: UFS2 little-endian image reads back as the tree it was made from" {
	ffs_image 2 le
	p2k_start rump_ffs -o ro "$T/ffs.img" "$M"
	p2k_same "$T/src" "$M"
	[ "$(stat -c %i "$M/hardlink")" = "$(stat -c %i "$M/sub/b4096")" ]
	df "$M" | grep -q "$M"
	p2k_stop
}

@test "rump_ffs: UFS1 big-endian and UFS2 big-endian and UFS1 little-endian images read back" {
	for v in "1 be" "2 be" "1 le"; do
		ffs_image $v
		p2k_start rump_ffs -o ro "$T/ffs.img" "$M"
		p2k_same "$T/src" "$M"
		p2k_stop
		rm "$T/ffs.img"
	done
}

@test "rump_ffs: a read-only mount refuses changes with EROFS" {
	ffs_image 2 le
	p2k_start rump_ffs -o ro "$T/ffs.img" "$M"
	grep " $M " /proc/mounts | grep -q "fuse.ffs ro,"
	run touch "$M/new"
	[ "$status" -ne 0 ] && [[ "$output" == *"Read-only file system"* ]]
	run rm "$M/one"
	[ "$status" -ne 0 ] && [[ "$output" == *"Read-only file system"* ]]
	p2k_stop
}

@test "rump_ffs: a second user reads what the modes allow (allow_other)" {
	mkdir "$T/src/priv" && echo s >"$T/src/priv/s" && chmod 700 "$T/src/priv"
	chmod 755 "$T/src"
	ffs_image 2 le
	p2k_start rump_ffs -o ro,allow_other "$T/ffs.img" "$M"
	run setpriv --reuid=1000 --regid=1000 --clear-groups cat "$M/priv/s"
	[ "$status" -ne 0 ] && [[ "$output" == *"Permission denied"* ]]
	run setpriv --reuid=1000 --regid=1000 --clear-groups cat "$M/one"
	[ "$status" -ne 0 ] && [[ "$output" == *"Permission denied"* ]]
	run setpriv --reuid=1000 --regid=1000 --clear-groups cat "$M/sub/b4096"
	[ "$status" -eq 0 ]
	p2k_stop
}

@test "rump_ffs: refuses an ext2 image, a zeroed superblock, garbage, an empty file, missing paths, naming the cause" {
	truncate -s 8M "$T/e2.img"
	mke2fs -q -t ext2 -F "$T/e2.img"
	run "$B/daemons/rump_ffs" -o ro "$T/e2.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"not a valid ffs file system"* ]]
	ffs_image 2 le
	# both places makefs may put it: 8 KiB and 64 KiB
	dd if=/dev/zero of="$T/ffs.img" bs=1024 seek=8 count=64 conv=notrunc status=none
	run "$B/daemons/rump_ffs" -o ro "$T/ffs.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"not a valid ffs file system"* ]]
	head -c 4M /dev/urandom >"$T/junk.img"
	run "$B/daemons/rump_ffs" -o ro "$T/junk.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"not a valid ffs file system"* ]]
	: >"$T/empty.img"
	run "$B/daemons/rump_ffs" -o ro "$T/empty.img" "$M"
	[ "$status" -eq 1 ]
	run "$B/daemons/rump_ffs" -o ro "$T/missing.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"missing.img"*"No such file"* ]]
	ffs_image 2 le
	run "$B/daemons/rump_ffs" -o ro "$T/ffs.img" "$T/nodir"
	[ "$status" -eq 1 ] && [[ "$output" == *"nodir"*"No such file"* ]]
	! mountpoint -q "$M"
}

@test "rump_ffs: kill -9 of the daemon leaves a mount fusermount3 -u -z removes; the image still mounts" {
	ffs_image 2 le
	p2k_start rump_ffs -o ro "$T/ffs.img" "$M"
	cat "$M/sub/b4096" >/dev/null
	kill -KILL "$PID"
	wait "$PID" || true
	PID=""
	run ls "$M"
	[ "$status" -ne 0 ]
	fusermount3 -u -z "$M"
	! mountpoint -q "$M"
	p2k_start rump_ffs -o ro "$T/ffs.img" "$M"
	p2k_same "$T/src" "$M"
	p2k_stop
}
