#!/bin/sh
# make_corpus.sh DIR: tiny ffs seed images (UFS1/UFS2, both byte orders) from a small tree, made by makefs.
set -eu
out=$1
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/t/d/e"
printf 'hello\n' >"$tmp/t/a"
head -c 20000 /dev/zero | tr '\0' 'x' >"$tmp/t/d/big"
ln -s a "$tmp/t/sl"
ln -s "$(printf '%0150d' 0)" "$tmp/t/d/long"
ln "$tmp/t/a" "$tmp/t/d/e/hard"
mkfifo "$tmp/t/p"
for v in 1 2; do
	for b in le be; do
		makefs -t ffs -o version=$v,bsize=4096,fsize=512,density=2048 -B $b -s 160k \
		    "$out/seed_v${v}_$b.img" "$tmp/t" >/dev/null
	done
done
makefs -t ffs -o version=2 -s 128k "$out/seed_empty.img" "$tmp/t/d/e" >/dev/null
