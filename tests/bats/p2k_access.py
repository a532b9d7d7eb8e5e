#!/usr/bin/python3
"""p2k_access.py: probes run as another user by p2k_semantics.bats.

  write-fstat FILE    append a byte to FILE, print the mode fstat gives right after (octal)
  open-matrix FILE    try the three FIFO opens, print one errno name (or OK) per open
"""
import errno
import os
import sys


def write_fstat(path):
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.write(fd, b"x")
    print("%o" % (os.fstat(fd).st_mode & 0o7777))
    os.close(fd)


def open_matrix(path):
    out = []
    for flags in (os.O_RDWR, os.O_WRONLY | os.O_NONBLOCK, os.O_RDONLY | os.O_NONBLOCK):
        try:
            os.close(os.open(path, flags))
            out.append("OK")
        except OSError as e:
            out.append(errno.errorcode[e.errno])
    print(" ".join(out))


if __name__ == "__main__":
    {"write-fstat": write_fstat, "open-matrix": open_matrix}[sys.argv[1]](sys.argv[2])
