#!/bin/bash
# mkseeds.sh DIR: the seed images of the fuzzimage tests, from one small tree
# with a multi-block directory, a file with indirect blocks and a slow symlink:
#   ext2.img (1 KiB blocks, rev 1)   ext2r0.img (rev 0)   ext2_4k.img (4 KiB blocks, 256-byte inodes)
#   ext2g4.img (four groups of 512 blocks: resize inode, groups past the first)
#   ufs1.img ufs1be.img ufs2.img ufs2be.img (makefs, little / big endian)
#   ufs1mc.img ufs2mc.img (24 MiB, 512-byte fragments: two cylinder groups)
set -euo pipefail
d=$1
t=$d/tree
mkdir -p "$t/etc" "$t/many" "$t/usr/share"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$t/etc/passwd"
printf 'hello\n' > "$t/hello.txt"
seq 1 40000 > "$t/usr/share/numbers"		# ~200 KB: indirect blocks on every variant
for i in $(seq 1 120); do printf '%s\n' "$i" > "$t/many/file-with-a-longish-name-$i"; done
ln -s "$(printf 'x%.0s' $(seq 1 100))/target" "$t/slowlink"
ln -s hello.txt "$t/fastlink"
mke2fs -q -F -t ext2 -b 1024 -d "$t" "$d/ext2.img" 2M > /dev/null
mke2fs -q -F -t ext2 -r 0 -b 1024 -d "$t" "$d/ext2r0.img" 2M > /dev/null
mke2fs -q -F -t ext2 -b 4096 -I 256 -d "$t" "$d/ext2_4k.img" 4M > /dev/null
mke2fs -q -F -t ext2 -b 1024 -g 512 -d "$t" "$d/ext2g4.img" 2M > /dev/null
makefs -t ffs -o version=1 -B le -s 2m "$d/ufs1.img" "$t" > /dev/null
makefs -t ffs -o version=1 -B be -s 2m "$d/ufs1be.img" "$t" > /dev/null
makefs -t ffs -o version=2 -B le -s 2m "$d/ufs2.img" "$t" > /dev/null
makefs -t ffs -o version=2 -B be -s 2m "$d/ufs2be.img" "$t" > /dev/null
makefs -t ffs -o version=1,bsize=4096,fsize=512 -s 24m "$d/ufs1mc.img" "$t" > /dev/null
makefs -t ffs -o version=2,bsize=4096,fsize=512 -B be -s 24m "$d/ufs2mc.img" "$t" > /dev/null
