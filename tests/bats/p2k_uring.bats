#!/usr/bin/env bats
# p2k_uring.bats: FUSE over io_uring.  With the host's enable_uring on, the daemons serve
# through per-CPU rings (their debug log counts what the rings served) with the same results
# as through /dev/fuse; -o no_io_uring keeps /dev/fuse.  Needs Linux 6.14+ (CONFIG_FUSE_IO_URING).

load p2k_helper

URING=/sys/module/fuse/parameters/enable_uring

setup() {
	if [ ! -w "$URING" ]; then
		echo "no FUSE over io_uring on this host ($URING): Linux 6.14+ with CONFIG_FUSE_IO_URING, as root" >&2
		return 1
	fi
	SAVED=$(cat "$URING")
	echo Y >"$URING"
	p2k_setup
	p2k_tree "$T/src"
}

teardown() {
	p2k_teardown
	echo "$SAVED" >"$URING"
}

# served: the requests the rings served, from the debug log of the stopped daemon.
served() {
	sed -n 's/.*io_uring: served \([0-9]*\) requests.*/\1/p' "$T/log"
}

@test "rump_ext2fs over io_uring: cp -a, concurrent churn, compare, e2fsck clean; the rings served the requests" {
	truncate -s 64M "$T/e2.img"
	mke2fs -q -t ext2 -F "$T/e2.img"
	p2k_start rump_ext2fs -d "$T/e2.img" "$M"
	grep -q "io_uring: .* queues of" "$T/log"
	cp -a "$T/src/." "$M/"
	p2k_same "$T/src" "$M"
	p2k_churn "$M/churn"
	[ "$(find "$M/churn" -type f | wc -l)" -gt 0 ]
	p2k_stop
	[ "$(served)" -gt 1000 ]
	run e2fsck -fn "$T/e2.img"
	echo "$output"
	[ "$status" -eq 0 ]
	# the same image through /dev/fuse reads back the same
	p2k_start rump_ext2fs -d -o no_io_uring "$T/e2.img" "$M"
	rm -rf "$M/churn"
	p2k_same "$T/src" "$M"
	p2k_stop
	! grep -q "io_uring:" "$T/log"
}

@test "rump_ffs over io_uring: cp -a, a 20 MiB file written and read back, fsck_ffs clean" {
	mkdir "$T/empty"
	makefs -t ffs -o version=2,density=4096 -s 64m "$T/ffs.img" "$T/empty" >/dev/null
	head -c 20M /dev/urandom >"$T/big"
	p2k_start rump_ffs -d "$T/ffs.img" "$M"
	cp -a "$T/src/." "$M/"
	cp "$T/big" "$M/big"
	p2k_same "$T/src/sub" "$M/sub"
	sync -f "$M"
	cmp "$T/big" "$M/big"
	p2k_stop
	[ "$(served)" -gt 100 ]
	run "$B/fs/ffs/fsck_ffs" "$T/ffs.img"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "rump_ext2fs over io_uring: the caller's credentials reach the rump kernel (allow_other, EACCES)" {
	p2k_perm_tree "$T/src"
	mke2fs -q -t ext2 -d "$T/src" "$T/e2.img" 32M
	p2k_start rump_ext2fs -d -o allow_other "$T/e2.img" "$M"
	p2k_denied "cat '$M/priv/s'"
	p2k_denied "touch '$M/new'"
	p2k_as_user "echo mine >'$M/pub/mine'"
	[ "$(stat -c %u:%g "$M/pub/mine")" = 1000:1000 ]
	p2k_stop
	[ "$(served)" -gt 0 ]
}

@test "rump_ext2fs over io_uring: kill -9 mid-write: the mount goes, no hang, the image needs fsck at most" {
	truncate -s 64M "$T/e2.img"
	mke2fs -q -t ext2 -F "$T/e2.img"
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	(dd if=/dev/zero of="$M/f" bs=64k count=400 status=none 2>/dev/null || true) &
	sleep 0.2
	kill -KILL "$PID"
	wait "$PID" || true
	PID=""
	timeout 10 bash -c "wait $!" 2>/dev/null || true
	run timeout 10 stat "$M/f"
	[ "$status" -ne 0 ]
	fusermount3 -u -z "$M"
	! mountpoint -q "$M"
	run e2fsck -fy "$T/e2.img"
	[ "$status" -le 1 ]
	run e2fsck -fn "$T/e2.img"
	[ "$status" -eq 0 ]
}

# ring_completions PID: completions posted on the io_uring rings PID holds (each ring counted once).
ring_completions() {
	local pid=$1 fd ino total=0 seen=" "
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd")" = "anon_inode:[io_uring]" ] || continue
		ino=$(awk '/^ino:/ { print $2 }' /proc/"$pid"/fdinfo/"${fd##*/}")
		case "$seen" in *" $ino "*) continue ;; esac
		seen="$seen$ino "
		total=$(( total + $(awk '/^CqTail:/ { print $2 }' /proc/"$pid"/fdinfo/"${fd##*/}") ))
	done
	echo "$total"
}

@test "backgrounded as users start it, the daemon serves through the rings, in the caller's session; -o no_io_uring holds none" {
	truncate -s 64M "$T/e2.img"
	mke2fs -q -t ext2 -F "$T/e2.img"
	"$B/daemons/rump_ext2fs" "$T/e2.img" "$M"
	pid=$(pgrep -f "rump_ext2fs $T/e2.img")
	[ -n "$pid" ]
	# its own process group, but the session (and so the scheduler's autogroup) it was started from
	[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$(ps -o sid= -p $$ | tr -d ' ')" ]
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]
	before=$(ring_completions "$pid")
	mkdir "$M/d"
	for i in $(seq 300); do echo x > "$M/d/f$i"; done
	after=$(ring_completions "$pid")
	echo "ring completions: $before -> $after"
	[ $(( after - before )) -ge 600 ]
	fusermount3 -u "$M"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null
	e2fsck -fn "$T/e2.img"

	"$B/daemons/rump_ext2fs" -o no_io_uring "$T/e2.img" "$M"
	pid=$(pgrep -f "rump_ext2fs -o no_io_uring $T/e2.img")
	[ "$(ring_completions "$pid")" -eq 0 ]
	[ "$(ls "$M/d" | wc -l)" -eq 300 ]
	fusermount3 -u "$M"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
