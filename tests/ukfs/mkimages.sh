#!/bin/bash
# mkimages.sh DIR: the test images of the ukfs tests, made from a small source tree:
#   DIR/tree/      the source tree (files, a hard link, symlinks, a fifo-free mix of modes)
#   DIR/ext2.img   mke2fs -t ext2 -d tree       DIR/ffs1.img  makefs UFS1 little endian
#   DIR/ffs2be.img makefs UFS2 big endian       DIR/mbr.img   MBR: 1 = ext2 (1 MiB in), 2 = ffs1
#   DIR/gpt.img    GPT: 1 = ext2, 2 = ffs1
set -euo pipefail
d=$1
mkdir -p "$d/tree/etc" "$d/tree/usr/share/doc" "$d/tree/empty"
t=$d/tree
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$t/etc/passwd"
printf 'hello from an image\n' > "$t/hello.txt"
head -c 300000 /dev/urandom > "$t/usr/share/doc/big.bin"
seq 1 2000 > "$t/usr/share/doc/numbers"
ln "$t/hello.txt" "$t/usr/hardlink"
ln -s ../hello.txt "$t/usr/rel-link"
ln -s /etc/passwd "$t/abs-link"
chmod 0600 "$t/etc/passwd"
chmod 0751 "$t/usr"
chmod 04755 "$t/usr/share/doc/numbers"
touch -d '2001-02-03 04:05:06' "$t/hello.txt" "$t/etc"
mke2fs -q -F -t ext2 -b 1024 -d "$t" "$d/ext2.img" 4M > /dev/null
makefs -t ffs -o version=1 -B le -s 4m "$d/ffs1.img" "$t" > /dev/null
makefs -t ffs -o version=2 -B be -s 4m "$d/ffs2be.img" "$t" > /dev/null

# Disks: partitions at 1 MiB and 6 MiB, 4 MiB each, in a 12 MiB file.
for kind in mbr gpt; do
	img=$d/$kind.img
	truncate -s 12M "$img"
	if [ "$kind" = mbr ]; then
		printf 'label: dos\nstart=2048, size=8192, type=83\nstart=12288, size=8192, type=a9\n' |
			sfdisk -q "$img"
	else
		sgdisk -o -n 1:2048:10239 -n 2:12288:20479 "$img" > /dev/null 2>&1
	fi
	dd if="$d/ext2.img" of="$img" bs=512 seek=2048 conv=notrunc status=none
	dd if="$d/ffs1.img" of="$img" bs=512 seek=12288 conv=notrunc status=none
done
