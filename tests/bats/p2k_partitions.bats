#!/usr/bin/env bats
# p2k_partitions.bats: the daemons mount a partition of a disk image (IMAGE%MBR:n%, %GPT:n%, %OFFSET:s,n%, -o offset=BYTES); writes stay inside it; bad suffixes fail cleanly.

load p2k_helper

setup() {
	p2k_setup
	bash "$BATS_TEST_DIRNAME/../ukfs/mkimages.sh" "$T/img" >/dev/null
	D="$T/img"
}

teardown() {
	p2k_teardown
}

# part BYTE_OFF FILE: the 4 MiB partition at BYTE_OFF of FILE into FILE.part.
part() {
	dd if="$2" of="$2.part" bs=1M skip=$(( $1 / 1048576 )) count=4 status=none
}

# outside DISK: the disk with its two partitions (1 MiB and 6 MiB in, 4 MiB each) zeroed.
outside() {
	cp "$1" "$1.out"
	dd if=/dev/zero of="$1.out" bs=1M seek=1 count=4 conv=notrunc status=none
	dd if=/dev/zero of="$1.out" bs=1M seek=6 count=4 conv=notrunc status=none
	sha256sum < "$1.out" | cut -d' ' -f1
}

@test "rump_ffs 'disk%MBR:2%' and rump_ext2fs 'disk%MBR:1%': read, write, the other partition and the tables untouched" {
	before=$(outside "$D/mbr.img")
	part $((1 << 20)) "$D/mbr.img"
	ext2_before=$(sha256sum < "$D/mbr.img.part")
	p2k_start rump_ffs "$D/mbr.img%MBR:2%" "$M"
	[ "$(cat "$M/hello.txt")" = "hello from an image" ]
	echo "into the ffs partition" > "$M/new.txt"
	p2k_stop
	[ "$(outside "$D/mbr.img")" = "$before" ]
	part $((1 << 20)) "$D/mbr.img"
	[ "$(sha256sum < "$D/mbr.img.part")" = "$ext2_before" ]
	part $((6 << 20)) "$D/mbr.img"
	run "$B/fs/ffs/fsck_ffs" "$D/mbr.img.part"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$B/ukfs/cli/ukfs" "$D/mbr.img%MBR:2%" cat /new.txt
	[ "$output" = "into the ffs partition" ]

	p2k_start rump_ext2fs "$D/mbr.img%MBR:1%" "$M"
	[ "$(cat "$M/etc/passwd")" = "root:x:0:0:root:/root:/bin/sh" ]
	mkdir "$M/made"
	p2k_stop
	part $((1 << 20)) "$D/mbr.img"
	e2fsck -fn "$D/mbr.img.part"
	debugfs -R "stat /made" "$D/mbr.img.part" 2>/dev/null | grep -q "Type: directory"
}

@test "rump_ext2fs 'disk%GPT:1%', %OFFSET:start,size% and -o offset=BYTES name the same file system" {
	p2k_start rump_ext2fs -o ro "$D/gpt.img%GPT:1%" "$M"
	[ "$(cat "$M/hello.txt")" = "hello from an image" ]
	p2k_stop
	p2k_start rump_ext2fs -o ro "$D/gpt.img%OFFSET:1048576,4194304%" "$M"
	[ "$(cat "$M/hello.txt")" = "hello from an image" ]
	p2k_stop
	p2k_start rump_ext2fs -o offset=1048576 "$D/gpt.img" "$M"
	echo x > "$M/x"
	df -B1 "$M" | tail -1
	p2k_stop
	part $((1 << 20)) "$D/gpt.img"
	e2fsck -fn "$D/gpt.img.part"
	# The GPT's backup header at the disk's end is still there for sgdisk.
	sgdisk -v "$D/gpt.img" | grep -q "No problems found"
}

@test "partition errors: no such partition, no table, bad suffix, suffix with offset=, offset= not a number" {
	run "$B/daemons/rump_ffs" "$D/mbr.img%MBR:3%" "$M"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mbr.img%MBR:3%: No such file or directory"* ]]
	run "$B/daemons/rump_ffs" "$D/ffs1.img%GPT:1%" "$M"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ffs1.img%GPT:1%: no such partition table"* ]]
	run "$B/daemons/rump_ext2fs" "$D/mbr.img%FOO:1%" "$M"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad partition suffix"* ]]
	run "$B/daemons/rump_ext2fs" -o offset=512 "$D/mbr.img%MBR:1%" "$M"
	[ "$status" -eq 2 ]
	[[ "$output" == *"a partition suffix and offset= together"* ]]
	run "$B/daemons/rump_ext2fs" -o offset=1M "$D/mbr.img" "$M"
	[ "$status" -eq 2 ]
	[[ "$output" == *"offset=1M: not a number of bytes"* ]]
	run "$B/daemons/rump_tmpfs" -o offset=512 "$M"
	[ "$status" -eq 2 ]
	# An offset that is not where a file system starts: the usual refusal.
	run "$B/daemons/rump_ext2fs" -o offset=4096 "$D/mbr.img" "$M"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a valid ext2fs file system"* ]]
	! mountpoint -q "$M"
}

@test "a non-root user mounts a partition of a disk it owns (rump_ffs -o uid=0,gid=0 'disk%MBR:2%')" {
	chown 1000:1000 "$T" "$M" "$D" "$D/mbr.img"
	run setpriv --reuid=1000 --regid=1000 --clear-groups "$B/daemons/rump_ffs" -o uid=0,gid=0 \
	    "$D/mbr.img%MBR:2%" "$M"
	echo "$output"
	[ "$status" -eq 0 ]
	p2k_as_user "echo mine > $M/mine && cat $M/hello.txt"
	setpriv --reuid=1000 --regid=1000 --clear-groups fusermount3 -u "$M"
	sleep 0.5
	run "$B/ukfs/cli/ukfs" "$D/mbr.img%MBR:2%" cat /mine
	[ "$output" = "mine" ]
	part $((6 << 20)) "$D/mbr.img"
	"$B/fs/ffs/fsck_ffs" "$D/mbr.img.part"
}
