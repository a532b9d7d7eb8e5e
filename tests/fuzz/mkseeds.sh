#!/bin/sh
# mkseeds.sh OUTDIR [ext2fs|ffs]: seed images for the fuzz targets, made by
# mke2fs (ext2 rev 0/1, 1/2/4 KiB blocks, 128/256-byte inodes) and makefs
# (UFS1/UFS2 in both byte orders), each from a small varied tree.
set -eu
out=$1 which=${2:-all}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
mkdir -p "$src/dir/sub"
echo hello > "$src/file"
head -c 20000 /dev/zero | tr '\0' x > "$src/dir/indirect"
ln -s file "$src/fast"
ln -s "dir/sub/../../a/target/that/is/longer/than/sixty/bytes/$(printf '%0120d' 0)" "$src/slow"
ln "$src/file" "$src/dir/hard"
mkfifo "$src/fifo"
if [ "$which" != ffs ]; then
	n=0
	for opts in "-b 1024 -N 32" "-b 1024 -I 128 -N 32" "-b 2048 -N 32" "-b 4096 -N 32" \
	    "-r 0 -b 1024 -N 32" "-b 1024 -O ^dir_index,^resize_inode -N 32"; do
		n=$((n + 1))
		mke2fs -q -F -t ext2 $opts -d "$src" "$out/ext2_$n.img" 256k >/dev/null
	done
	mke2fs -q -F -t ext2 -b 1024 -N 16 "$out/ext2_empty.img" 128k >/dev/null
fi
if [ "$which" != ext2fs ]; then
	for v in 1 2; do
		for b in le be; do
			makefs -t ffs -o version=$v,bsize=4096,fsize=512,density=2048 -B $b -s 160k \
			    "$out/ffs_v${v}_$b.img" "$src" >/dev/null
		done
	done
	makefs -t ffs -o version=2 -s 128k "$out/ffs_empty.img" "$src/dir/sub" >/dev/null
fi
