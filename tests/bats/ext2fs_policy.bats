#!/usr/bin/env bats
# ext2fs_policy.bats: the ext2 driver's on-disk policy end to end through rump_ext2fs: superblock state, force, features, big files, hashed directories.

load p2k_helper

setup() {
	p2k_setup
}

teardown() {
	p2k_teardown
}

e2_state() {
	dumpe2fs -h "$1" 2>/dev/null | sed -n 's/^Filesystem state: *//p'
}

@test "ext2fs: mounted read-write the image is 'not clean', unmounted it is clean again" {
	mke2fs -q -F -t ext2 "$T/e2.img" 16M
	[ "$(e2_state "$T/e2.img")" = "clean" ]
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	echo data >"$M/file"
	[ "$(e2_state "$T/e2.img")" = "not clean" ]
	p2k_stop
	[ "$(e2_state "$T/e2.img")" = "clean" ]
	run e2fsck -fn "$T/e2.img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "ext2fs: an image that is not clean is refused read-write, mounts read-only, and with -o force" {
	mke2fs -q -F -t ext2 "$T/e2.img" 16M
	debugfs -w -R 'ssv state 0' "$T/e2.img" >/dev/null 2>&1
	run "$B/daemons/rump_ext2fs" -f "$T/e2.img" "$M"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not cleanly unmounted"* ]]
	! mountpoint -q "$M"
	p2k_start rump_ext2fs -o ro "$T/e2.img" "$M"
	[ -d "$M/lost+found" ]
	p2k_stop
	p2k_start rump_ext2fs -o force "$T/e2.img" "$M"
	mkdir "$M/forced"
	p2k_stop
	[ "$(e2_state "$T/e2.img")" = "not clean" ]	# only e2fsck makes it clean
}

@test "ext2fs: ext4 images are refused naming the feature; a clean ext3 journal mounts and stays intact" {
	mke2fs -q -F -t ext4 "$T/e4.img" 16M
	run "$B/daemons/rump_ext2fs" -f -o ro "$T/e4.img" "$M"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"unsupported"*"feature"* ]]
	mke2fs -q -F -t ext3 "$T/e3.img" 16M
	p2k_start rump_ext2fs "$T/e3.img" "$M"
	cp /etc/services "$M/"
	p2k_stop
	run e2fsck -fn "$T/e3.img"
	echo "$output"
	[ "$status" -eq 0 ]
	debugfs -R 'cat /services' "$T/e3.img" 2>/dev/null | cmp - /etc/services
}

@test "ext2fs: a sparse file past 4 GiB written through FUSE; debugfs reads its tail" {
	mke2fs -q -F -t ext2 -b 4096 "$T/e2.img" 32M
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	printf 'tail-of-a-big-file' | dd of="$M/big" bs=1 seek=5000000000 conv=notrunc status=none
	[ "$(stat -c %s "$M/big")" -eq 5000000018 ]
	p2k_stop
	run e2fsck -fn "$T/e2.img"
	echo "$output"
	[ "$status" -eq 0 ]
	debugfs -R 'dump /big '"$T/big.out" "$T/e2.img" >/dev/null 2>&1
	[ "$(tail -c 18 "$T/big.out")" = "tail-of-a-big-file" ]
}

@test "ext2fs: a directory indexed by e2fsck -D is read whole, written, and e2fsck stays clean" {
	mkdir -p "$T/src/big"
	for i in $(seq 1 300); do : >"$T/src/big/a-longer-file-name-$i"; done
	mke2fs -q -F -t ext2 -b 1024 -d "$T/src" "$T/e2.img" 16M
	e2fsck -fyD "$T/e2.img" >/dev/null 2>&1 || true
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	[ "$(ls "$M/big" | wc -l)" -eq 300 ]
	rm "$M/big/a-longer-file-name-1"*
	touch "$M/big/new-1" "$M/big/new-2"
	[ "$(ls "$M/big" | wc -l)" -eq 191 ]
	p2k_stop
	run e2fsck -fn "$T/e2.img"
	echo "$output"
	[ "$status" -eq 0 ]
}
