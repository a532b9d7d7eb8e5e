#!/usr/bin/env bats
# p2k_ext2fs.bats: rump_ext2fs: write a tree through FUSE, e2fsck -fn clean, remount and compare; names, permissions, refusals.

load p2k_helper

setup() {
	p2k_setup
	p2k_tree "$T/src"
}

teardown() {
	p2k_teardown
}

# e2_image [mke2fs args...]: an empty 64 MiB ext2 image $T/e2.img.
e2_image() {
	truncate -s 64M "$T/e2.img"
	mke2fs -q -t ext2 -F "$@" "$T/e2.img"
}

e2_fsck() {
	run e2fsck -fn "$T/e2.img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "rump_ext2fs: cp -a a tree in, compare, unmount, e2fsck -fn clean, remount and compare again" {
	e2_image
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	cp -a "$T/src/." "$M/"
	p2k_same "$T/src" "$M"
	[ "$(stat -c %i "$M/hardlink")" = "$(stat -c %i "$M/sub/b4096")" ]
	[ "$(stat -c %b "$M/sparse")" -lt 100 ]
	p2k_stop
	e2_fsck
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	p2k_same "$T/src" "$M"
	p2k_stop
	e2_fsck
}

@test "rump_ext2fs: an image made by mke2fs -d reads back; 1 KiB blocks and rev 0 too" {
	mke2fs -q -t ext2 -d "$T/src" "$T/e2.img" 32M
	p2k_start rump_ext2fs -o ro "$T/e2.img" "$M"
	p2k_same "$T/src" "$M"
	p2k_stop
	rm "$T/e2.img"
	e2_image -b 1024
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	cp -a "$T/src/." "$M/"
	p2k_stop
	e2_fsck
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	p2k_same "$T/src" "$M"
	p2k_stop
	rm "$T/e2.img"
	truncate -s 64M "$T/e2.img"
	mke2fs -q -r 0 -F "$T/e2.img"
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	cp -a "$T/src/." "$M/"
	p2k_stop
	e2_fsck
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	p2k_same "$T/src" "$M"
	p2k_stop
}

@test "rump_ext2fs: rename, link, symlink, unlink, rmdir, truncate, utimes; e2fsck clean after" {
	e2_image
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	mkdir -p "$M/a/b" "$M/c"
	echo one >"$M/a/f"
	echo two >"$M/c/g"
	mv "$M/a/f" "$M/c/f"
	mv -f "$M/c/f" "$M/c/g"
	[ "$(cat "$M/c/g")" = one ] && [ ! -e "$M/c/f" ]
	mv "$M/a/b" "$M/c/b"
	[ "$(stat -c %h "$M/a")" -eq 2 ] && [ "$(stat -c %h "$M/c")" -eq 3 ]
	ln "$M/c/g" "$M/a/hard"
	ln -s ../c/g "$M/a/sym"
	[ "$(cat "$M/a/sym")" = one ] && [ "$(stat -c %h "$M/c/g")" -eq 2 ]
	run rmdir "$M/c"
	[ "$status" -ne 0 ]
	for i in $(seq 1 300); do echo "$i" >"$M/a/n_$i"; done
	for i in $(seq 1 2 300); do rm "$M/a/n_$i"; done
	[ "$(ls "$M/a" | wc -l)" -eq 152 ]
	seq 1 100000 >"$M/c/t"
	truncate -s 10 "$M/c/t"
	[ "$(stat -c %s "$M/c/t")" -eq 10 ]
	truncate -s 100M "$M/c/t"
	touch -d '2001-02-03 04:05:06' "$M/c/t"
	p2k_stop
	e2_fsck
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	[ "$(stat -c %s "$M/c/t")" -eq 104857600 ] && [ "$(head -c 10 "$M/c/t")" = "$(seq 1 100000 | head -c 10)" ]
	[ "$(stat -c %Y "$M/c/t")" = "$(date -d '2001-02-03 04:05:06' +%s)" ]
	rm -r "$M/a" "$M/c"
	p2k_stop
	e2_fsck
}

@test "rump_ext2fs: a 40 MB file written in 1 MiB requests reads back; the image stays clean" {
	e2_image
	head -c 40000000 /dev/urandom >"$T/big"
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	dd if="$T/big" of="$M/big" bs=1M conv=fsync status=none
	cmp "$T/big" "$M/big"
	p2k_stop
	e2_fsck
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	cmp "$T/big" "$M/big"
	p2k_stop
}

@test "rump_ext2fs: a full file system says ENOSPC, and stays clean" {
	truncate -s 4M "$T/e2.img"
	mke2fs -q -t ext2 -F "$T/e2.img"
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	run dd if=/dev/zero of="$M/fill" bs=1M count=8 status=none
	[ "$status" -ne 0 ] && [[ "$output" == *"No space left"* ]]
	rm "$M/fill"
	p2k_stop
	e2_fsck
}

@test "rump_ext2fs: a second user gets EACCES where the image's modes say so (allow_other)" {
	p2k_perm_tree "$T/src"
	mke2fs -q -t ext2 -d "$T/src" "$T/e2.img" 32M
	p2k_start rump_ext2fs -o allow_other "$T/e2.img" "$M"
	p2k_denied "cat '$M/priv/s'"
	p2k_denied "cat '$M/one'"
	p2k_denied "echo x >>'$M/sub/b4095'"
	p2k_denied "touch '$M/new'"
	p2k_as_user "echo mine >'$M/pub/mine' && mkdir '$M/pub/d'"
	[ "$(stat -c %u:%g "$M/pub/mine")" = 1000:1000 ]
	p2k_stop
	e2_fsck
}

@test "rump_ext2fs: refuses an FFS image, a zeroed superblock, garbage, a double mount, naming the cause" {
	makefs -t ffs "$T/ffs.img" "$T/src" >/dev/null
	run "$B/daemons/rump_ext2fs" "$T/ffs.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"not a valid ext2fs file system"* ]]
	e2_image
	cp "$T/e2.img" "$T/bad.img"
	dd if=/dev/zero of="$T/bad.img" bs=1024 seek=1 count=1 conv=notrunc status=none
	run "$B/daemons/rump_ext2fs" "$T/bad.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"not a valid ext2fs file system"* ]]
	head -c 4M /dev/urandom >"$T/junk.img"
	run "$B/daemons/rump_ext2fs" "$T/junk.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"not a valid ext2fs file system"* ]]
	run "$B/daemons/rump_ext2fs" "$T/missing.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"No such file"* ]]
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	mkdir "$T/m2"
	run "$B/daemons/rump_ext2fs" "$T/e2.img" "$T/m2"
	[ "$status" -eq 1 ] && [[ "$output" == *"image in use"* ]]
	! mountpoint -q "$T/m2"
	run "$B/daemons/rump_ext2fs" "$T/e2.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"already a mount point"* ]]
	p2k_stop
	e2_fsck
}

@test "rump_ext2fs: an image on a read-only host file system mounts read-only, or fails with -o rw" {
	e2_image
	mkdir "$T/ro"
	mount -t tmpfs -o size=80M tmpfs "$T/ro"
	cp "$T/e2.img" "$T/ro/"
	mount -o remount,ro "$T/ro"
	run "$B/daemons/rump_ext2fs" -o rw "$T/ro/e2.img" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"read-only"* ]]
	run "$B/daemons/rump_ext2fs" -f "$T/ro/e2.img" "$M" &
	for _ in $(seq 100); do mountpoint -q "$M" && break; sleep 0.05; done
	grep " $M " /proc/mounts | grep -q " ro,"
	run touch "$M/x"
	[[ "$output" == *"Read-only file system"* ]]
	fusermount3 -u "$M"
	wait
	umount "$T/ro"
}

@test "rump_ext2fs: kill -9 mid-write: the mount goes with fusermount3 -u -z, the image needs fsck at most, no crash" {
	e2_image
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	cp -a "$T/src/." "$M/"
	kill -KILL "$PID"
	wait "$PID" || true
	PID=""
	fusermount3 -u -z "$M"
	! mountpoint -q "$M"
	run e2fsck -fy "$T/e2.img"
	[ "$status" -le 1 ]
	e2_fsck
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	ls -R "$M" >/dev/null
	p2k_stop
}

@test "rump_ext2fs: -o sync: a copied file (through double indirect blocks) survives kill -9 of the daemon, e2fsck -fn clean" {
	e2_image -b 1024
	head -c 300000 /dev/urandom >"$T/data"
	p2k_start rump_ext2fs -o sync "$T/e2.img" "$M"
	mkdir "$M/d"
	cp "$T/data" "$M/d/data"
	kill -KILL "$PID"
	wait "$PID" || true
	PID=""
	fusermount3 -u -z "$M"
	e2_fsck
	p2k_start rump_ext2fs -o ro,force "$T/e2.img" "$M"
	cmp "$T/data" "$M/d/data"
	p2k_stop
}

@test "rump_ext2fs: SIGTERM syncs and unmounts: e2fsck clean" {
	e2_image
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	cp -a "$T/src/." "$M/"
	kill -TERM "$PID"
	wait "$PID"
	PID=""
	! mountpoint -q "$M"
	e2_fsck
}

@test "rump_ext2fs: a write error at the final sync is reported and the exit status says so" {
	mkdir "$T/small"
	mount -t tmpfs -o size=16M tmpfs "$T/small"
	truncate -s 64M "$T/small/e2.img"		# sparse: its blocks need host space
	mke2fs -q -t ext2 -F "$T/small/e2.img"
	dd if=/dev/zero of="$T/small/fill" bs=1M status=none 2>/dev/null || true
	p2k_start rump_ext2fs "$T/small/e2.img" "$M"
	dd if=/dev/urandom of="$M/data" bs=1M count=8 status=none || true
	st=0
	p2k_stop 2>"$T/stop.err" || st=$?
	cat "$T/stop.err"
	[ "$st" -eq 1 ]
	grep -q "writing the file system back failed: No space left on device" "$T/stop.err"
}

@test "rump_ext2fs: four concurrent workers renaming, linking and removing across directories; e2fsck clean" {
	e2_image
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	p2k_churn "$M"
	[ "$(find "$M" -name 'g*' -type f | wc -l)" -eq 480 ]
	p2k_stop
	e2_fsck
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	[ "$(find "$M" -name 'g*' -type f | wc -l)" -eq 480 ]
	p2k_stop
}

@test "rump_ext2fs: -o noatime reaches the file system; a writeback_cache round trip stays clean" {
	e2_image
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	echo x >"$M/f"
	touch -a -d '2000-01-01 00:00:00' "$M/f"
	p2k_stop
	p2k_start rump_ext2fs -o noatime "$T/e2.img" "$M"
	cat "$M/f" >/dev/null
	p2k_stop
	p2k_start rump_ext2fs -o ro "$T/e2.img" "$M"
	[ "$(stat -c %X "$M/f")" = "$(date -d '2000-01-01 00:00:00' +%s)" ]
	p2k_stop
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	cat "$M/f" >/dev/null
	p2k_stop
	p2k_start rump_ext2fs -o ro "$T/e2.img" "$M"
	[ "$(stat -c %X "$M/f")" != "$(date -d '2000-01-01 00:00:00' +%s)" ]
	p2k_stop
	p2k_start rump_ext2fs -o writeback_cache "$T/e2.img" "$M"
	mkdir "$M/wb"
	cp -a "$T/src/." "$M/wb/"
	p2k_same "$T/src" "$M/wb"
	printf tail >>"$M/wb/one"
	[ "$(cat "$M/wb/one")" = xtail ]
	p2k_stop
	e2_fsck
}

@test "rump_ext2fs: damaged inodes give EIO through FUSE; the daemon lives on and exits cleanly" {
	mke2fs -q -t ext2 -N 512 -d "$T/src" "$T/e2.img" 32M
	it=$(dumpe2fs "$T/e2.img" 2>/dev/null | awk '/Inode table at/ { split($4, a, "-"); print a[1]; exit }')
	bs=$(dumpe2fs -h "$T/e2.img" 2>/dev/null | awk '/^Block size/ { print $3 }')
	# keep the first inode-table blocks (the root directory), scramble the next twelve
	dd if=/dev/urandom of="$T/e2.img" bs="$bs" seek=$(( it + 2 * 1024 / bs )) count=$(( 12 * 1024 / bs )) \
	    conv=notrunc status=none
	for o in ro rw; do
		p2k_start rump_ext2fs -o "$o" "$T/e2.img" "$M"
		run ls -lR "$M"
		[[ "$output" == *"Input/output error"* ]]
		find "$M" -type f -exec cat {} + >/dev/null 2>&1 || true
		if [ "$o" = rw ]; then
			rm -rf "$M"/* 2>/dev/null || true
			cp -a "$BATS_TEST_DIRNAME" "$M/" 2>/dev/null || true
		fi
		kill -0 "$PID"
		p2k_stop
		grep -q "^ext2fs: inode [0-9]*: " "$T/log"
	done
}

@test "rump_ext2fs: every directory chunk comes with attributes: find and rm -r of 600 names cost no LOOKUP" {
	e2_image
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	mkdir "$M/d"
	for i in $(seq 600); do : >"$M/d/file-with-a-longish-name-$i"; done
	p2k_stop
	# -d: libfuse traces each request to the log; several READDIRPLUS chunks, no LOOKUP of a name.
	p2k_start rump_ext2fs -d "$T/e2.img" "$M"
	[ "$(find "$M/d" -printf '%s %m\n' | wc -l)" -eq 601 ]
	rm -r "$M/d"
	[ ! -e "$M/d" ]
	p2k_stop
	[ "$(grep -c 'opcode: READDIRPLUS' "$T/log")" -ge 2 ]
	[ "$(grep -c 'opcode: UNLINK' "$T/log")" -eq 600 ]
	# Only "d" itself is looked up (in the root, node 1), never a name inside it.
	[ "$(grep 'opcode: LOOKUP' "$T/log" | grep -vc 'nodeid: 1,')" -eq 0 ]
	e2_fsck
}
