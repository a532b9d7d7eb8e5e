#!/usr/bin/env bats
# p2k_fallocate.bats: fallocate(1) through rump_ext2fs, rump_ffs and rump_tmpfs mounts: real storage, kept size, punched holes, ENOSPC undone, other modes refused.

load p2k_helper

setup() {
	p2k_setup
	mkdir "$T/empty"
}

teardown() {
	p2k_teardown
}

# kib FILE: the space it takes, in KiB.
kib() {
	du -k "$1" | cut -f1
}

# used_kib: KiB in use on the mount.
used_kib() {
	df -k --output=used "$M" | tail -1 | tr -d ' '
}

# allocate: 8 MiB of storage for a new file, its size 8 MiB, reading as zeroes.
allocate() {
	fallocate -l 8M "$M/f"
	[ "$(stat -c %s "$M/f")" = 8388608 ]
	local k
	k="$(kib "$M/f")"
	[ "$k" -ge 8192 ] && [ "$k" -lt 8600 ]
	cmp -n 8388608 "$M/f" /dev/zero
}

# keep_size PASTEND: holes of a truncated file filled, the size kept; past the end held or refused.
keep_size() {
	truncate -s 8M "$M/k"
	[ "$(kib "$M/k")" -lt 200 ]
	fallocate -n -l 8M "$M/k"
	[ "$(stat -c %s "$M/k")" = 8388608 ]
	[ "$(kib "$M/k")" -ge 8192 ]
	if [ "$1" = pastend ]; then
		: >"$M/n"
		fallocate -n -l 4M "$M/n"
		[ "$(stat -c %s "$M/n")" = 0 ]
		[ "$(kib "$M/n")" -ge 4096 ]
	else
		run fallocate -n -o 8M -l 1M "$M/k"
		echo "$output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"unsupported"* || "$output" == *"Operation not supported"* ]]
		[ "$(stat -c %s "$M/k")" = 8388608 ]
		[ "$(kib "$M/k")" -lt 8600 ]
	fi
}

# punch: 1 MiB at 4096 of 2 MiB of data: space freed, zeroes there, the bytes around it untouched.
punch() {
	head -c 2M /dev/urandom >"$T/data"
	cp "$T/data" "$M/p"
	sync "$M/p"
	local before after
	before="$(kib "$M/p")"
	fallocate -p -o 4096 -l 1M "$M/p"
	[ "$(stat -c %s "$M/p")" = 2097152 ]
	after="$(kib "$M/p")"
	echo "du $before -> $after"
	[ "$after" -le $((before - 900)) ]
	cmp -n 4096 "$T/data" "$M/p"
	cmp -n 1048576 -i 4096:0 "$M/p" /dev/zero
	cmp -i $((4096 + 1048576)) "$T/data" "$M/p"
	python3 - "$M/p" <<'EOF'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
hole = os.lseek(fd, 0, os.SEEK_HOLE)
assert 4096 <= hole < 1048576 + 4096, hole
assert os.lseek(fd, hole, os.SEEK_DATA) > hole
EOF
}

# dig: fallocate -d punches out the zero blocks of a file written in full; the bytes stay the same.
dig() {
	{ head -c 65536 /dev/urandom; head -c 4M /dev/zero; head -c 65536 /dev/urandom; } >"$T/dig"
	cp "$T/dig" "$M/dig"
	[ "$(kib "$M/dig")" -ge 4096 ]
	fallocate -d "$M/dig"
	[ "$(kib "$M/dig")" -lt 1024 ]
	cmp "$T/dig" "$M/dig"
}

# other_modes: zero-range and collapse are refused, the file unchanged.
other_modes() {
	head -c 65536 /dev/urandom >"$T/z"
	cp "$T/z" "$M/z"
	run fallocate -z -o 4096 -l 4096 "$M/z"
	echo "$output"
	[ "$status" -ne 0 ] && [[ "$output" == *"Operation not supported"* ]]
	run fallocate -c -o 4096 -l 32768 "$M/z"
	echo "$output"
	[ "$status" -ne 0 ] && [[ "$output" == *"Operation not supported"* ]]
	cmp "$T/z" "$M/z"
}

# every_mode PASTEND: the scenarios above, in turn, on the mounted file system.
every_mode() {
	allocate
	keep_size "$1"
	punch
	dig
	other_modes
}

# nospc: more than is free fails with ENOSPC and gives back all it took.
nospc() {
	local used
	: >"$M/big"
	sync "$M"
	used="$(used_kib)"
	run fallocate -l 64M "$M/big"
	echo "$output"
	[ "$status" -ne 0 ] && [[ "$output" == *"No space left on device"* ]]
	[ "$(stat -c %s "$M/big")" = 0 ]
	[ "$(kib "$M/big")" = 0 ]
	[ "$(used_kib)" = "$used" ]
	head -c 100000 /dev/urandom >"$T/after"
	cp "$T/after" "$M/after"
	cmp "$T/after" "$M/after"
}

@test "rump_ext2fs: fallocate allocates, -n keeps the size (refused past the end), -p frees, -d digs holes; other modes refused; e2fsck -fn clean" {
	truncate -s 64M "$T/e2.img"
	mke2fs -q -t ext2 -F "$T/e2.img"
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	every_mode refused
	p2k_stop
	run e2fsck -fn "$T/e2.img"
	echo "$output"
	[ "$status" -eq 0 ]
	p2k_start rump_ext2fs -o ro "$T/e2.img" "$M"
	cmp -n 4096 "$T/data" "$M/p"
	cmp -i $((4096 + 1048576)) "$T/data" "$M/p"
	[ "$(kib "$M/f")" -ge 8192 ]
	p2k_stop
}

@test "rump_ext2fs: fallocate past the free space fails with ENOSPC and leaks nothing; e2fsck -fn clean" {
	truncate -s 8M "$T/e2.img"
	mke2fs -q -t ext2 -F -m 0 "$T/e2.img"
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	nospc
	p2k_stop
	run e2fsck -fn "$T/e2.img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "rump_ffs: fallocate allocates, -n keeps the size (refused past the end), -p frees, -d digs holes; other modes refused; fsck_ffs clean" {
	makefs -t ffs -o version=2,density=4096 -s 64m "$T/ffs.img" "$T/empty" >/dev/null
	p2k_start rump_ffs "$T/ffs.img" "$M"
	every_mode refused
	p2k_stop
	run "$B/fs/ffs/fsck_ffs" "$T/ffs.img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "rump_ffs: fallocate past the free space fails with ENOSPC and leaks nothing; fsck_ffs clean" {
	makefs -t ffs -o version=1,density=8192 -s 8m "$T/ffs.img" "$T/empty" >/dev/null
	p2k_start rump_ffs "$T/ffs.img" "$M"
	nospc
	p2k_stop
	run "$B/fs/ffs/fsck_ffs" "$T/ffs.img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "rump_tmpfs: fallocate holds memory, -n too past the end, -p frees it, -d digs holes; other modes refused" {
	p2k_start rump_tmpfs "$M"
	every_mode pastend
	p2k_stop
}

@test "rump_tmpfs under RUMP_MEMLIMIT=32m: fallocate of 64 MiB fails with ENOSPC and gives the memory back" {
	RUMP_MEMLIMIT=32m p2k_start rump_tmpfs "$M"
	nospc
	p2k_stop
}

# setid_drop DAEMON ARGS...: mounted with allow_other, a 06777 file fallocated by another user loses
# its set-id bits (the host sees it at once), as a write would; root's fallocate keeps them.
setid_drop() {
	p2k_start "$@"
	chmod 1777 "$M"
	printf data >"$M/s"
	chmod 6777 "$M/s"
	[ "$(stat -c %a "$M/s")" = 6777 ]
	setpriv --reuid=65534 --regid=65534 --clear-groups fallocate -l 1M "$M/s"
	[ "$(stat -c %a "$M/s")" = 777 ]
	[ "$(stat -c %s "$M/s")" = 1048576 ]
	chmod 6777 "$M/s"
	fallocate -l 2M "$M/s"
	[ "$(stat -c %a "$M/s")" = 6777 ]
	p2k_stop
}

@test "rump_ext2fs, rump_ffs, rump_tmpfs: fallocate by another user drops set-id bits; root's keeps them" {
	truncate -s 32M "$T/e2.img"
	mke2fs -q -t ext2 -F "$T/e2.img"
	setid_drop rump_ext2fs -o allow_other "$T/e2.img" "$M"
	makefs -t ffs -s 32m "$T/ffs.img" "$T/empty" >/dev/null
	setid_drop rump_ffs -o allow_other "$T/ffs.img" "$M"
	setid_drop rump_tmpfs -o allow_other "$M"
	run e2fsck -fn "$T/e2.img"
	[ "$status" -eq 0 ]
	run "$B/fs/ffs/fsck_ffs" "$T/ffs.img"
	[ "$status" -eq 0 ]
}
