#!/usr/bin/env bats
# p2k_memlimit.bats: a daemon held to RUMP_MEMLIMIT=16m serves a tree copy, a walk,
# an archive, 10 000 creates and rm -rf completely, and the image checks clean after.

load p2k_helper

setup() {
	p2k_setup
	SRC=/usr/include
	[ -d "$SRC" ] || { echo "memlimit test needs $SRC as its tree" >&2; return 1; }
	NFILES="$(find "$SRC" | wc -l)"
}

teardown() {
	p2k_teardown
}

# memlimit_workload: the workload on the mounted $M; each step checked against $SRC.
memlimit_workload() {
	tr '\0' '\n' </proc/"$PID"/environ | grep -qx RUMP_MEMLIMIT=16m
	cp -a "$SRC" "$M/tree"
	diff -r --no-dereference "$SRC" "$M/tree"
	[ "$(find "$M/tree" | wc -l)" -eq "$NFILES" ]
	[ "$(tar cf - -C "$M" tree | wc -c)" -eq "$(tar cf - -C "$(dirname "$SRC")" \
	    --transform "s,^$(basename "$SRC"),tree," "$(basename "$SRC")" | wc -c)" ]
	mkdir "$M/small"
	for i in $(seq 1 10000); do
		echo "$i" >"$M/small/f$i" || { echo "create $i failed" >&2; return 1; }
	done
	[ "$(ls "$M/small" | wc -l)" -eq 10000 ]
	[ "$(cat "$M/small/f9999")" = 9999 ]
	rm -rf "$M/tree" "$M/small"
	[ -z "$(ls -A "$M" | grep -v '^lost+found$')" ]
}

# memlimit_log_clean: the daemon's log holds no error and no warning.
memlimit_log_clean() {
	if grep -Ei 'error|fail|warn|corrupt' "$T/log"; then
		cat "$T/log" >&2
		return 1
	fi
}

@test "rump_ext2fs under RUMP_MEMLIMIT=16m: cp -a, find, tar, 10 000 creates, rm -rf succeed; e2fsck -fn clean" {
	truncate -s 1g "$T/e2.img"
	mke2fs -q -F -t ext2 -b 4096 "$T/e2.img"
	RUMP_MEMLIMIT=16m p2k_start rump_ext2fs "$T/e2.img" "$M"
	memlimit_workload
	p2k_stop
	memlimit_log_clean
	run e2fsck -fn "$T/e2.img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "rump_ffs under RUMP_MEMLIMIT=16m: cp -a, find, tar, 10 000 creates, rm -rf succeed; fsck_ffs clean" {
	mkdir "$T/empty"
	makefs -t ffs -o version=2 -f 30000 -s 1g "$T/ffs.img" "$T/empty" >/dev/null
	RUMP_MEMLIMIT=16m p2k_start rump_ffs "$T/ffs.img" "$M"
	memlimit_workload
	p2k_stop
	memlimit_log_clean
	run "$B/fs/ffs/fsck_ffs" "$T/ffs.img"
	echo "$output"
	[ "$status" -eq 0 ]
}
