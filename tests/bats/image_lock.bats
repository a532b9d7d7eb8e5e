#!/usr/bin/env bats
# image_lock.bats: one writer or many readers per image, across daemons, ukfs and the checkers;
# the refusal names the holder; -o nolock reads a live image.  Each case on ext2 and FFS.

load p2k_helper

setup() {
	p2k_setup
	M2="$T/mnt2"
	mkdir "$M2"
	PID2=""
	U="$B/ukfs/cli/ukfs"
}

teardown() {
	if mountpoint -q "$M2" 2>/dev/null; then
		fusermount3 -u "$M2" 2>/dev/null || fusermount3 -u -z "$M2" 2>/dev/null || true
	fi
	[ -z "$PID2" ] || wait "$PID2" 2>/dev/null || true
	p2k_teardown
}

# mkimg FS: $T/img, an empty file system of kind FS (ext2, ffs) that other users may read.
mkimg() {
	case "$1" in
	ext2) truncate -s 16M "$T/img" && mke2fs -q -t ext2 -F "$T/img" ;;
	ffs) mkdir -p "$T/empty" && makefs -t ffs -s 16m "$T/img" "$T/empty" >/dev/null ;;
	esac
	chmod 644 "$T/img"
}

daemon() {
	case "$1" in ext2) echo rump_ext2fs ;; ffs) echo rump_ffs ;; esac
}

# start2 FS OPTS: a second daemon on $M2, in the foreground; waits for its mount.
start2() {
	"$B/daemons/$(daemon "$1")" -f -o "$2" "$T/img" "$M2" >"$T/log2" 2>&1 3>&- &
	PID2=$!
	for _ in $(seq 200); do
		mountpoint -q "$M2" && return 0
		kill -0 "$PID2" 2>/dev/null || break
		sleep 0.05
	done
	cat "$T/log2" >&2
	return 1
}

# refused_second FS FIRSTOPTS SECONDOPTS MODE: with a daemon holding the image with
# FIRSTOPTS, a second one with SECONDOPTS exits 1 naming the first (MODE read-only|read-write).
refused_second() {
	local fs=$1 d
	d=$(daemon "$fs")
	mkimg "$fs"
	p2k_start "$d" ${2:+-o "$2"} "$T/img" "$M"
	# (a second daemon that mounted would serve on: the timeout ends it, and the test fails)
	run timeout 20 "$B/daemons/$d" -f ${3:+-o "$3"} "$T/img" "$M2"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/img: image in use ($4 by pid $PID)"* ]]
	! mountpoint -q "$M2"
	# the holder still serves, and once it is gone the second mounts
	touch "$M/alive" 2>/dev/null || [ "$2" = ro ]
	p2k_stop
	start2 "$fs" "${3:-rw}"
}

@test "ext2: a read-only daemon excludes a read-write one" {
	refused_second ext2 ro "" read-only
}

@test "ffs: a read-only daemon excludes a read-write one" {
	refused_second ffs ro "" read-only
}

@test "ext2: a read-write daemon excludes a read-only one and a second writer" {
	refused_second ext2 "" ro read-write
	fusermount3 -u "$M2"; wait "$PID2"; PID2=""
	refused_second ext2 "" rw read-write
}

@test "ffs: a read-write daemon excludes a read-only one and a second writer" {
	refused_second ffs "" ro read-write
	fusermount3 -u "$M2"; wait "$PID2"; PID2=""
	refused_second ffs "" rw read-write
}

# beside_writer FS: ukfs reading or writing, ukfs check and (FFS) fsck_ffs are refused
# while a daemon writes the image; afterwards they work and see what it wrote.
beside_writer() {
	local fs=$1
	mkimg "$fs"
	p2k_start "$(daemon "$fs")" "$T/img" "$M"
	echo written >"$M/f"
	run "$U" "$T/img" ls
	[ "$status" -eq 1 ]
	[[ "$output" == *"ukfs: $T/img: image in use (read-write by pid $PID)"* ]]
	run "$U" "$T/img" touch g
	[ "$status" -eq 1 ]
	[[ "$output" == *"image in use (read-write by pid $PID)"* ]]
	run "$U" "$T/img" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"image in use (read-write by pid $PID)"* ]]
	if [ "$fs" = ffs ]; then
		run "$B/fs/ffs/fsck_ffs" "$T/img"
		[ "$status" -eq 8 ]
		[[ "$output" == *"fsck_ffs: $T/img: image in use (read-write by pid $PID)"* ]]
	fi
	p2k_stop
	[ "$("$U" "$T/img" cat f)" = written ]
	"$U" "$T/img" check
}

@test "ext2: ukfs and ukfs check are refused beside a read-write daemon" {
	beside_writer ext2
}

@test "ffs: ukfs, ukfs check and fsck_ffs are refused beside a read-write daemon" {
	beside_writer ffs
}

# readers_share FS: two read-only daemons and ukfs reading share the image; ukfs writing does not.
readers_share() {
	local fs=$1
	mkimg "$fs"
	"$U" "$T/img" mkdir d
	p2k_start "$(daemon "$fs")" -o ro "$T/img" "$M"
	start2 "$fs" ro
	[ -d "$M/d" ] && [ -d "$M2/d" ]
	run "$U" "$T/img" ls
	[ "$status" -eq 0 ] && [ "$output" != "${output/d/}" ]
	run "$U" "$T/img" check
	[ "$status" -eq 0 ]
	run "$U" "$T/img" rmdir d
	[ "$status" -eq 1 ]
	[[ "$output" == *"image in use (read-only by pid "* ]]
	[ -d "$M/d" ]
}

@test "ext2: readers share the image, a ukfs writer is refused" {
	readers_share ext2
}

@test "ffs: readers share the image, a ukfs writer is refused" {
	readers_share ffs
}

# nolock FS: -o ro,nolock reads an image a daemon writes; nolock without ro is a usage error.
nolock() {
	local fs=$1 d
	d=$(daemon "$fs")
	mkimg "$fs"
	p2k_start "$d" "$T/img" "$M"
	echo live >"$M/f"
	# the file and its name on the image (fsync of both), where a reader of the host file sees them
	python3 -c 'import os, sys
for p in sys.argv[1:]:
    fd = os.open(p, os.O_RDONLY); os.fsync(fd); os.close(fd)' "$M/f" "$M"
	run "$U" -o nolock "$T/img" cat f
	echo "$output"
	[ "$status" -eq 0 ] && [ "$output" = live ]
	run "$U" -o nolock "$T/img" touch g
	[ "$status" -eq 2 ]
	[[ "$output" == *"nolock is for reading"* ]]
	start2 "$fs" ro,nolock
	[ "$(cat "$M2/f")" = live ]
	run "$B/daemons/$d" -f -o nolock "$T/img" "$T"
	[ "$status" -eq 2 ]
	[[ "$output" == *"nolock is for read-only mounts: use -o ro,nolock"* ]]
	# a reader that took no lock does not stop a writer either
	fusermount3 -u "$M2"; wait "$PID2"; PID2=""
	p2k_stop
	start2 "$fs" ro,nolock
	p2k_start "$d" "$T/img" "$M"
	touch "$M/after"
}

@test "ext2: -o ro,nolock reads an image a daemon writes" {
	nolock ext2
}

@test "ffs: -o ro,nolock reads an image a daemon writes" {
	nolock ffs
}

# background FS: a daemon that detached is named by the pid that serves, not the one started.
background() {
	local fs=$1 d pid
	d=$(daemon "$fs")
	mkimg "$fs"
	"$B/daemons/$d" "$T/img" "$M"
	mountpoint -q "$M"
	pid=$(fuser "$T/img" 2>/dev/null | tr -s ' ' '\n' | grep -v '^$' | head -1)
	[ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm)" = "$d" ]
	run "$U" "$T/img" ls
	[ "$status" -eq 1 ]
	[[ "$output" == *"image in use (read-write by pid $pid)"* ]]
	# another user cannot see root's descriptors: the refusal still comes, without a pid
	run setpriv --reuid=1000 --regid=1000 --clear-groups "$U" "$T/img" ls
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ukfs: $T/img: image in use by another process"* ]]
	fusermount3 -u "$M"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	"$U" "$T/img" ls
}

@test "ext2: a backgrounded daemon is named by the pid that serves; other users are refused too" {
	background ext2
}

@test "ffs: a backgrounded daemon is named by the pid that serves; other users are refused too" {
	background ffs
}
