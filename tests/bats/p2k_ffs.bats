#!/usr/bin/env bats
# p2k_ffs.bats: rump_ffs: makefs images (UFS1/UFS2, both byte orders) read back and written through FUSE, fsck_ffs clean; refusals.

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

# ffs_empty VERSION ORDER: an empty 64 MiB $T/ffs.img with room for files.
ffs_empty() {
	mkdir -p "$T/emptydir"
	makefs -t ffs -o version="$1",density=4096 -B "$2" -s 64m "$T/ffs.img" "$T/emptydir" >/dev/null
}

ffs_fsck() {
	run "$B/fs/ffs/fsck_ffs" "$T/ffs.img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "rump_ffs: cp -a a tree into UFS1/UFS2 images of both byte orders, fsck_ffs clean, remount and compare" {
	for v in "2 le" "1 le" "2 be" "1 be"; do
		ffs_empty $v
		p2k_start rump_ffs "$T/ffs.img" "$M"
		cp -a "$T/src/." "$M/"
		p2k_same "$T/src" "$M"
		[ "$(stat -c %i "$M/hardlink")" = "$(stat -c %i "$M/sub/b4096")" ]
		[ "$(stat -c %b "$M/sparse")" -lt 100 ]
		p2k_stop
		ffs_fsck
		p2k_start rump_ffs "$T/ffs.img" "$M"
		p2k_same "$T/src" "$M"
		p2k_stop
		rm "$T/ffs.img"
	done
}

@test "rump_ffs: rename, link, symlink, unlink, rmdir, truncate, utimes, a 40 MB file; fsck_ffs clean after" {
	ffs_empty 2 le
	head -c 40000000 /dev/urandom >"$T/big"
	p2k_start rump_ffs "$T/ffs.img" "$M"
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
	truncate -s 30M "$M/c/t"
	touch -d '2001-02-03 04:05:06' "$M/c/t"
	dd if="$T/big" of="$M/big" bs=1M conv=fsync status=none
	cmp "$T/big" "$M/big"
	p2k_stop
	ffs_fsck
	p2k_start rump_ffs "$T/ffs.img" "$M"
	[ "$(stat -c %s "$M/c/t")" -eq 31457280 ] && [ "$(head -c 10 "$M/c/t")" = "$(seq 1 100000 | head -c 10)" ]
	[ "$(stat -c %Y "$M/c/t")" = "$(date -d '2001-02-03 04:05:06' +%s)" ]
	cmp "$T/big" "$M/big"
	rm -r "$M/a" "$M/c" "$M/big"
	p2k_stop
	ffs_fsck
}

@test "rump_ffs: a second user writes where the modes allow and gets EACCES elsewhere (allow_other)" {
	chmod 755 "$T/src"
	mkdir "$T/src/pub" && chmod 777 "$T/src/pub"
	makefs -t ffs -o version=2,density=4096 -B le -s 64m "$T/ffs.img" "$T/src" >/dev/null
	p2k_start rump_ffs -o allow_other "$T/ffs.img" "$M"
	p2k_denied "echo x >>'$M/sub/b4095'"
	p2k_denied "touch '$M/new'"
	p2k_as_user "echo mine >'$M/pub/mine' && mkdir '$M/pub/d'"
	[ "$(stat -c %u:%g "$M/pub/mine")" = 1000:1000 ]
	p2k_stop
	ffs_fsck
}

@test "rump_ffs: double mount of one image is refused; kill -9 leaves an image that still mounts; SIGTERM syncs" {
	ffs_empty 2 le
	p2k_start rump_ffs "$T/ffs.img" "$M"
	cp -a "$T/src/." "$M/"
	mkdir "$T/m2"
	run "$B/daemons/rump_ffs" "$T/ffs.img" "$T/m2"
	[ "$status" -eq 1 ] && [[ "$output" == *"image in use"* ]]
	kill -TERM "$PID"
	wait "$PID"
	PID=""
	! mountpoint -q "$M"
	ffs_fsck
	p2k_start rump_ffs "$T/ffs.img" "$M"
	p2k_same "$T/src" "$M"
	echo more >"$M/more"
	kill -KILL "$PID"
	wait "$PID" || true
	PID=""
	fusermount3 -u -z "$M"
	! mountpoint -q "$M"
	p2k_start rump_ffs -o force "$T/ffs.img" "$M"
	ls -R "$M" >/dev/null
	p2k_stop
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

@test "rump_ffs: four concurrent workers renaming, linking and removing across directories; fsck_ffs clean" {
	ffs_empty 2 le
	p2k_start rump_ffs "$T/ffs.img" "$M"
	p2k_churn "$M"
	[ "$(find "$M" -name 'g*' -type f | wc -l)" -eq 480 ]
	p2k_stop
	ffs_fsck
	p2k_start rump_ffs "$T/ffs.img" "$M"
	[ "$(find "$M" -name 'g*' -type f | wc -l)" -eq 480 ]
	p2k_stop
}

@test "rump_ffs: -o sync: a copied file survives kill -9 of the daemon right after" {
	ffs_empty 2 le
	head -c 300000 /dev/urandom >"$T/data"
	p2k_start rump_ffs -o sync "$T/ffs.img" "$M"
	cp "$T/data" "$M/data"
	kill -KILL "$PID"
	wait "$PID" || true
	PID=""
	fusermount3 -u -z "$M"
	p2k_start rump_ffs -o ro,force "$T/ffs.img" "$M"
	cmp "$T/data" "$M/data"
	p2k_stop
}

@test "rump_ffs: scrambled metadata gives EIO or a refused mount, never a crash" {
	makefs -t ffs -o version=2,density=4096 -B le -s 16m "$T/ffs.img" "$T/src" >/dev/null
	for seek in 96 160 320 640 1200; do
		cp "$T/ffs.img" "$T/bad.img"
		dd if=/dev/urandom of="$T/bad.img" bs=1024 seek="$seek" count=48 conv=notrunc status=none
		st=0
		"$B/daemons/rump_ffs" -f "$T/bad.img" "$M" >"$T/log" 2>&1 3>&- & PID=$!
		for _ in $(seq 100); do mountpoint -q "$M" && break; kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
		if mountpoint -q "$M"; then
			ls -lR "$M" >/dev/null 2>&1 || true
			find "$M" -type f -exec cat {} + >/dev/null 2>&1 || true
			rm -rf "$M"/* 2>/dev/null || true
			kill -0 "$PID"
			fusermount3 -u "$M"
		fi
		wait "$PID" || st=$?
		PID=""
		cat "$T/log"
		[ "$st" -le 1 ]		# 0 served and unmounted, 1 refused: no signal, no sanitizer report
		! grep -q "Sanitizer" "$T/log"
	done
}
