# p2k_helper.bash: shared by the p2k_*.bats files: start a daemon in the foreground, wait for its mount, always unmount.

p2k_setup() {
	B="${RUMP_BUILDDIR:-$BATS_TEST_DIRNAME/../../build}"
	T="$(mktemp -d /tmp/p2k_bats.XXXXXX)"
	chmod 755 "$T"	# other users reach the mount point
	M="$T/mnt"
	mkdir "$M"
	PID=""
}

# p2k_teardown: unmount (lazily if the daemon is gone), reap the daemon, remove the temp dir.
p2k_teardown() {
	if mountpoint -q "$M" 2>/dev/null; then
		fusermount3 -u "$M" 2>/dev/null || fusermount3 -u -z "$M" 2>/dev/null || umount -l "$M"
	fi
	if [ -n "$PID" ]; then
		for _ in $(seq 100); do
			kill -0 "$PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	# host mounts a test made under $T (read-only or small tmpfs)
	awk -v t="$T/" 'index($2, t) == 1 { print $2 }' /proc/mounts | while read -r m; do
		umount -l "$m" || true
	done
	rm -rf "$T"
}

# p2k_start DAEMON ARGS...: run it with -f in the background, wait until MOUNTPOINT ($M) is mounted.
p2k_start() {
	local d="$1"
	shift
	"$B/daemons/$d" -f "$@" >"$T/log" 2>&1 3>&- &
	PID=$!
	for _ in $(seq 200); do
		mountpoint -q "$M" && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "daemon $d did not mount:" >&2
	cat "$T/log" >&2
	return 1
}

# p2k_stop: fusermount3 -u and wait for the daemon; its exit status is p2k_stop's.
p2k_stop() {
	local st=0
	fusermount3 -u "$M" || return 1
	wait "$PID" || st=$?
	PID=""
	if [ "$st" -ne 0 ]; then
		echo "daemon exited $st:" >&2
		cat "$T/log" >&2
	fi
	return "$st"
}

# p2k_as_user CMD: a shell command as uid and gid 1000, without supplementary groups.
p2k_as_user() {
	setpriv --reuid=1000 --regid=1000 --clear-groups sh -c "$1"
}

# p2k_denied CMD: CMD as p2k_as_user fails with "Permission denied".
p2k_denied() {
	run p2k_as_user "$1"
	[ "$status" -ne 0 ] && [[ "$output" == *"Permission denied"* ]]
}

# p2k_perm_tree DIR: add priv/ (0700, holding s) and pub/ (0777) to a tree others may enter.
p2k_perm_tree() {
	chmod 755 "$1"
	mkdir "$1/priv" "$1/pub"
	echo s >"$1/priv/s"
	chmod 700 "$1/priv"
	chmod 777 "$1/pub"
}

# p2k_tree DIR: a tree with every kind of file: sizes around block edges, a sparse
# file, hard links, symlinks, a fifo, devices, odd modes, old times, a 255-byte name.
p2k_tree() {
	local d="$1" n
	mkdir -p "$d/sub/deeper/deepest" "$d/empty" "$d/many"
	: >"$d/zero"
	printf x >"$d/one"
	head -c 4095 /dev/urandom >"$d/sub/b4095"
	head -c 4096 /dev/urandom >"$d/sub/b4096"
	head -c 4097 /dev/urandom >"$d/sub/b4097"
	head -c 300000 /dev/urandom >"$d/sub/deeper/big"
	head -c 1048577 /dev/urandom >"$d/sub/deeper/deepest/mib1"
	dd if=/dev/urandom of="$d/sparse" bs=4096 count=1 seek=1000 status=none
	ln "$d/sub/b4096" "$d/hardlink"
	ln -s sub/b4095 "$d/symrel"
	ln -s /nonexistent/target "$d/dangling"
	ln -s "$(printf 'L%.0s' $(seq 200))" "$d/longlink"
	mkfifo "$d/fifo"
	mknod "$d/null" c 1 3
	mknod "$d/loopdev" b 7 0
	n="$(printf 'n%.0s' $(seq 255))"
	echo long >"$d/$n"
	for i in $(seq 1 150); do echo "$i" >"$d/many/file_$i"; done
	chmod 600 "$d/one"
	chmod 4755 "$d/sub/b4097"
	chmod 1777 "$d/empty"
	chown 1000:1000 "$d/sub/deeper"
	chown 1234:5678 "$d/zero"
	touch -h -d '2001-02-03 04:05:06' "$d/symrel" "$d/sub/b4095"
}

# p2k_meta DIR: one line per file: name, type, mode, owner, links, size (not for dirs), mtime,
# target, device numbers; not the root itself nor lost+found, which mke2fs adds.
p2k_meta() {
	(cd "$1" && find . -mindepth 1 -path ./lost+found -prune -o -printf '%p %y %m %U %G %n %Ts %l|%s\n' |
	    awk -F'|' '{ split($1, f, " "); print $1 (f[2] == "d" ? "" : " " $2) }' | sort)
	(cd "$1" && find . \( -type c -o -type b \) -exec stat -c '%n %t:%T' {} + | sort)
}

# p2k_same A B: same contents and metadata.
p2k_same() {
	# (diff -r calls two fifos or devices different; p2k_meta compares them)
	diff -r --no-dereference --exclude=fifo --exclude=null --exclude=loopdev \
	    --exclude=lost+found "$1" "$2" && diff <(p2k_meta "$1") <(p2k_meta "$2")
}

# p2k_churn DIR: four concurrent workers create, rename (also across each other's
# directories), hard-link, unlink and read while listing the whole tree.
p2k_churn() {
	local root=$1 k pids=()
	churn_one() {
		local d=$root/w$1 i
		mkdir -p "$d"
		for i in $(seq 1 120); do
			echo "$i $1" >"$d/f$i"
			mkdir -p "$d/d$((i % 7))"
			mv "$d/f$i" "$d/d$((i % 7))/g$i"
			ln "$d/d$((i % 7))/g$i" "$d/h$i" 2>/dev/null || true
			[ $((i % 3)) -ne 0 ] || rm -f "$d/h$i"
			cat "$root"/w*/d*/g* >/dev/null 2>&1 || true
			ls -R "$root" >/dev/null 2>&1 || true
			mv "$d/d$((i % 7))/g$i" "$root/w$(( ($1 + 1) % 4 ))/" 2>/dev/null || true
		done
	}
	for k in 0 1 2 3; do churn_one "$k" & pids+=($!); done
	wait "${pids[@]}"	# not a bare wait: the daemon is a background job too
}
