#!/usr/bin/env bats
# p2k_sparse.bats: holes through rump_ext2fs, rump_ffs and rump_tmpfs mounts: SEEK_DATA/SEEK_HOLE, cp --sparse, tar -S, rsync -S.

load p2k_helper

setup() {
	p2k_setup
	# 50 MiB holding 32 KiB at 10 MiB and "end\n" at 50 MiB: aligned to any block size up to 32 KiB.
	truncate -s 50M "$T/sp"
	head -c 32768 /dev/urandom | dd of="$T/sp" bs=1M seek=10 conv=notrunc status=none
	echo end >> "$T/sp"
}

teardown() {
	p2k_teardown
}

# extents FILE: "data hole" pairs as SEEK_DATA/SEEK_HOLE give them, on one line.
extents() {
	python3 - "$1" <<'EOF'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
off, out = 0, []
while True:
    try:
        d = os.lseek(fd, off, os.SEEK_DATA)
    except OSError as e:
        out.append(os.strerror(e.errno))
        break
    off = os.lseek(fd, d, os.SEEK_HOLE)
    out += [str(d), str(off)]
print(" ".join(out))
EOF
}

# seek_at FILE OFF WHENCE: the offset, or the error's name.
seek_at() {
	python3 - "$@" <<'EOF'
import errno, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    print(os.lseek(fd, int(sys.argv[2]), getattr(os, sys.argv[3])))
except OSError as e:
    print(errno.errorcode[e.errno])
EOF
}

# kib FILE: the space it takes, in KiB.
kib() {
	du -k "$1" | cut -f1
}

want_extents="10485760 10518528 52428800 52428804 No such device or address"

# sparse_roundtrip: write $T/sp into the mount with holes, see them, copy them out with each tool.
sparse_roundtrip() {
	cp --sparse=always "$T/sp" "$M/sp"
	[ "$(kib "$M/sp")" -lt 300 ]
	[ "$(extents "$M/sp")" = "$want_extents" ]
	# Linux's edges: inside data, the hole at the end, ENXIO at the end.
	[ "$(seek_at "$M/sp" 10485770 SEEK_DATA)" = 10485770 ]
	[ "$(seek_at "$M/sp" 100 SEEK_HOLE)" = 100 ]
	[ "$(seek_at "$M/sp" 52428803 SEEK_HOLE)" = 52428804 ]
	[ "$(seek_at "$M/sp" 52428804 SEEK_DATA)" = ENXIO ]
	[ "$(seek_at "$M/sp" 52428804 SEEK_HOLE)" = ENXIO ]
	# out of the mount with each tool: same bytes, holes kept
	mkdir "$T/out" "$T/untar"
	cp --sparse=auto "$M/sp" "$T/out/cp"
	tar -S -cf "$T/sp.tar" -C "$M" sp
	[ "$(stat -c %s "$T/sp.tar")" -lt 200000 ]
	tar -xSf "$T/sp.tar" -C "$T/untar"
	rsync -S "$M/sp" "$T/out/rsync"
	for f in "$T/out/cp" "$T/untar/sp" "$T/out/rsync"; do
		cmp "$T/sp" "$f"
		[ "$(kib "$f")" -lt 300 ]
	done
	# and in: tar -S and rsync -S write holes through the mount
	mkdir "$M/in"
	tar -xSf "$T/sp.tar" -C "$M/in"
	rsync -S "$T/sp" "$M/in/rsync"
	for f in "$M/in/sp" "$M/in/rsync"; do
		cmp "$T/sp" "$f"
		[ "$(kib "$f")" -lt 300 ]
		[ "$(extents "$f")" = "$want_extents" ]
	done
}

@test "rump_ext2fs: SEEK_DATA/SEEK_HOLE from the block map; cp --sparse, tar -S, rsync -S keep holes both ways" {
	truncate -s 64M "$T/e2.img"
	mke2fs -q -t ext2 -F "$T/e2.img"
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	sparse_roundtrip
	# still there after a remount, and e2fsck agrees
	p2k_stop
	run e2fsck -fn "$T/e2.img"
	[ "$status" -eq 0 ]
	p2k_start rump_ext2fs -o ro "$T/e2.img" "$M"
	[ "$(extents "$M/sp")" = "$want_extents" ]
	cmp "$T/sp" "$M/sp"
	p2k_stop
}

@test "rump_ffs: SEEK_DATA/SEEK_HOLE from the block map; cp --sparse, tar -S, rsync -S keep holes both ways" {
	mkdir "$T/empty"
	makefs -t ffs -o version=2,density=4096 -s 64m "$T/ffs.img" "$T/empty" >/dev/null
	p2k_start rump_ffs "$T/ffs.img" "$M"
	sparse_roundtrip
	p2k_stop
	run "$B/fs/ffs/fsck_ffs" "$T/ffs.img"
	echo "$output"
	[ "$status" -eq 0 ]
	p2k_start rump_ffs -o ro "$T/ffs.img" "$M"
	[ "$(extents "$M/sp")" = "$want_extents" ]
	cmp "$T/sp" "$M/sp"
	p2k_stop
}

@test "rump_ext2fs: a file claiming 8 GiB with one block is copied out in its blocks; SEEK on a corrupt map fails with EIO" {
	truncate -s 64M "$T/e2.img"
	mke2fs -q -t ext2 -F -b 1024 "$T/e2.img"
	p2k_start rump_ext2fs "$T/e2.img" "$M"
	echo data > "$M/f"
	dd if=/dev/urandom of="$M/g" bs=1k count=1 seek=300 status=none
	p2k_stop
	debugfs -w -R "sif /f size 0x200000000" "$T/e2.img" 2>/dev/null
	debugfs -w -R "sif /g block[IND] 99999999" "$T/e2.img" 2>/dev/null
	p2k_start rump_ext2fs -o ro "$T/e2.img" "$M"
	[ "$(stat -c %s "$M/f")" = 8589934592 ]
	[ "$(extents "$M/f")" = "0 1024 No such device or address" ]
	timeout 60 cp --sparse=auto "$M/f" "$T/f"
	[ "$(kib "$T/f")" -lt 100 ]
	[ "$(head -c 5 "$T/f")" = data ]
	[ "$(seek_at "$M/g" 0 SEEK_DATA)" = EIO ]
	p2k_stop
}

@test "rump_tmpfs: holes by 4 KiB chunk; cp --sparse, tar -S, rsync -S keep them" {
	p2k_start rump_tmpfs "$M"
	sparse_roundtrip
	p2k_stop
}
