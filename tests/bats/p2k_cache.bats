#!/usr/bin/env bats
# p2k_cache.bats: the daemons' buffer cache is small by default (the host caches the image):
# their peak RSS after copying 200 MB of files stays low; -o cache_size=N raises the bound;
# bad sizes are refused with a message.

load p2k_helper

setup() {
	p2k_setup
	mkdir "$T/src"
	# 2000 files of 100 KiB: each smaller than a write cluster, so its data waits dirty in the cache
	for i in $(seq 1 20); do
		mkdir "$T/src/d$i"
		head -c 10M /dev/urandom | split -b 100k - "$T/src/d$i/f"
	done
}

teardown() {
	p2k_teardown
}

# hwm_mib: the running daemon's peak resident memory, MiB.
hwm_mib() {
	awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$PID/status"
}

# copy_peak FS [OPTS...]: copy the tree into a fresh image, check it; HWM: the daemon's peak RSS.
copy_peak() {
	local fs=$1
	shift
	rm -f "$T/img"
	if [ "$fs" = ext2 ]; then
		truncate -s 400M "$T/img"
		mke2fs -q -t ext2 -F "$T/img"
		p2k_start rump_ext2fs "$@" "$T/img" "$M"
	else
		mkdir -p "$T/empty"
		makefs -t ffs -o version=2 -f 5000 -s 400m "$T/img" "$T/empty" >/dev/null
		p2k_start rump_ffs "$@" "$T/img" "$M"
	fi
	cp -a "$T/src/." "$M/"
	sync -f "$M"
	HWM=$(hwm_mib)
	diff -r -x lost+found "$T/src" "$M"
	p2k_stop
	echo "$fs $*: peak RSS $HWM MiB"
}

# The bound is 12 MiB; what else a daemon holds (FUSE buffers, vnodes, libraries) comes to
# 15-20 MiB in a release build, more under ASan; with the whole copy cached it would be 200+.
@test "rump_ext2fs and rump_ffs: peak RSS after a 200 MB copy stays under 56 MiB by default; cache_size=256m lets it grow" {
	local small
	copy_peak ext2
	small=$HWM
	[ "$small" -lt 56 ]
	run e2fsck -fn "$T/img"
	[ "$status" -eq 0 ]
	copy_peak ext2 -o cache_size=256m
	[ "$HWM" -gt $((small + 100)) ]
	copy_peak ffs
	small=$HWM
	[ "$small" -lt 56 ]
	run "$B/fs/ffs/fsck_ffs" "$T/img"
	[ "$status" -eq 0 ]
	copy_peak ffs -o cache_size=100M
	[ "$HWM" -gt $((small + 50)) ]
}

@test "cache_size=: bad sizes and rump_tmpfs are refused with a message; a bad RUMP_CACHESIZE fails the boot" {
	truncate -s 16M "$T/img"
	mke2fs -q -t ext2 -F "$T/img"
	for bad in 12x 0 m -5 ''; do
		run "$B/daemons/rump_ext2fs" -f -o "cache_size=$bad" "$T/img" "$M"
		echo "$bad: $output"
		[ "$status" -eq 2 ]
		[[ "$output" == *"cache_size= takes a size in bytes: digits, then k, m or g"* ]]
	done
	run "$B/daemons/rump_tmpfs" -f -o cache_size=1m "$M"
	[ "$status" -eq 2 ]
	[[ "$output" == *"cache_size= is for images"* ]]
	RUMP_CACHESIZE=lots run "$B/daemons/rump_ext2fs" -f "$T/img" "$M"
	[ "$status" -eq 1 ]
	[[ "$output" == *"RUMP_CACHESIZE: 'lots' is not a size in bytes"* ]]
	! mountpoint -q "$M"
	run "$B/daemons/rump_ext2fs" --help
	[[ "$output" == *"cache_size=N"* ]]
}
