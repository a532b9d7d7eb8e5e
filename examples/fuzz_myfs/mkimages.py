#!/usr/bin/env python3
"""mkimages.py OUTDIR: flatfs images, one good and several each wrong in one field.

good.img holds three files; truncated.img names data past its own end
(it mounts, reading fails with EIO); every other image must be refused
at mount.  They are the example's seeds and its CI replay set.
"""
import os
import struct
import sys

HDR = 512


def entry(name, offset, size, mode=0o444):
    return name.ljust(20, b"\0")[:20] + struct.pack("<III", offset, size, mode)


def image(entries, data=b"", nfiles=None, magic=b"FLATFS01", total=8192):
    n = len(entries) if nfiles is None else nfiles
    hdr = magic + struct.pack("<II", n, 0) + b"".join(entries)
    img = hdr.ljust(HDR, b"\0") + data
    return img.ljust(total, b"\0")


def main(out):
    os.makedirs(out, exist_ok=True)
    hello = b"hello, flatfs\n"
    big = bytes(range(256)) * 12          # 3072 bytes, crossing sectors from an odd offset
    good = [entry(b"hello", HDR, len(hello)), entry(b"empty", 0, 0, 0o400),
            entry(b"big", HDR + 100, len(big), 0o644)]
    data = hello.ljust(100, b"\0") + big
    images = {
        "good.img": image(good, data),
        "truncated.img": image([entry(b"past_end", 4096, 100000)], total=8192),
        "badmagic.img": image(good, data, magic=b"FLATFS02"),
        "toomany.img": image(good, data, nfiles=16),
        "dupname.img": image([entry(b"a", HDR, 1), entry(b"a", HDR, 1)], b"x"),
        "slash.img": image([entry(b"a/b", HDR, 1)], b"x"),
        "dot.img": image([entry(b"..", HDR, 1)], b"x"),
        "noname.img": image([entry(b"", HDR, 1)], b"x"),
        "overheader.img": image([entry(b"hdr", 16, 32)]),
        "wrap.img": image([entry(b"wrap", 0xFFFFFF00, 0x200)]),
        "badmode.img": image([entry(b"setuid", HDR, 1, 0o104755)], b"x"),
        "short.img": b"FLATFS01" + struct.pack("<I", 1),
    }
    for name, img in images.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(img)


if __name__ == "__main__":
    main(sys.argv[1])
