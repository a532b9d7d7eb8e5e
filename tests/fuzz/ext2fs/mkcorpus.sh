#!/bin/sh
# mkcorpus.sh OUTDIR: the seed corpus of fuzz_ext2fs: tiny ext2 images made by mke2fs.
set -eu
out=$1
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
mkdir -p "$src/dir/sub"
echo hello > "$src/file"
head -c 20000 /dev/zero | tr '\0' x > "$src/dir/indirect"
ln -s file "$src/fast"
ln -s dir/sub/../../a/target/that/is/longer/than/sixty/bytes/so/it/gets/a/block "$src/slow"
ln "$src/file" "$src/dir/hard"
mkfifo "$src/fifo"
n=0
for opts in "-b 1024 -N 32" "-b 1024 -I 128 -N 32" "-b 2048 -N 32" "-b 4096 -N 32" \
    "-r 0 -b 1024 -N 32" "-b 1024 -O ^dir_index,^resize_inode -N 32"; do
	n=$((n + 1))
	mke2fs -q -F -t ext2 $opts -d "$src" "$out/seed$n.img" 256k >/dev/null
	mke2fs -q -F -t ext2 $opts "$out/empty$n.img" 128k >/dev/null 2>&1 || rm -f "$out/empty$n.img"
done
