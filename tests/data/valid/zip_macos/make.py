#!/usr/bin/env python3
# Writes report.zip in the layout macOS Archive Utility (ditto) gives a
# compressed folder, as libzip 1.7.3's ZIP_CHECKCONS refuses it: every
# entry deflated with a data descriptor (flag bit 3), the local header's
# CRC and uncompressed size 0 but its compressed size set, version made
# by 0x0315 (Unix, 2.1), the old Info-ZIP Unix extra field 'UX' (0x5855)
# longer in the local header than in the central directory, and the
# resource fork beside the report as __MACOSX/._report.xml (AppleDouble).
# `unzip -t report.zip` accepts it.  Run from this directory.
import struct
import zlib

DOSTIME, DOSDATE = 0x6000, 0x5D7E       # 2026-11-30 12:00:00


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def appledouble():
    # magic, version, 16 filler bytes, one entry: Finder info (id 9)
    head = struct.pack(">II16sH", 0x00051607, 0x00020000, b"Mac OS X", 1)
    entry = struct.pack(">III", 9, 26 + 12, 32)
    return head + entry + b"\0" * 32


def main():
    files = [("report.xml", open("report.xml", "rb").read()),
             ("__MACOSX/", b""),
             ("__MACOSX/._report.xml", appledouble())]
    out, cd = b"", b""
    for name, data in files:
        nm = name.encode()
        comp = deflate(data) if data else b""
        method = 8 if data else 0
        crc = zlib.crc32(data)
        flags = 8 if data else 0
        ux_local = struct.pack("<HHIIHH", 0x5855, 12, 0x692B6F00,
                               0x692B6F00, 501, 20)
        ux_central = struct.pack("<HHII", 0x5855, 8, 0x692B6F00,
                                 0x692B6F00)
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method,
                           DOSTIME, DOSDATE, 0, len(comp), 0, len(nm),
                           len(ux_local)) + nm + ux_local + comp
        if flags & 8:
            out += struct.pack("<IIII", 0x08074B50, crc, len(comp),
                               len(data))
        attr = (0o040755 if name.endswith("/") else 0o100644) << 16
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0315, 20,
                          flags, method, DOSTIME, DOSDATE, crc, len(comp),
                          len(data), len(nm), len(ux_central), 0, 0, 0,
                          attr, off) + nm + ux_central
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files),
                       len(files), len(cd), len(out), 0)
    open("report.zip", "wb").write(out + cd + eocd)


main()
