#!/usr/bin/env python3
"""Writes the descriptive fuzzer's seeds from the sample frames: each XMP packet (prefixed 0),
each IPTC-IIM block (prefixed 1) and the head of each JPEG up to its first scan (prefixed 2)."""
import pathlib
import sys

out = pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
XMP = b"http://ns.adobe.com/xap/1.0/\0"
PHOTOSHOP = b"Photoshop 3.0\0"
for jpeg in sorted(pathlib.Path(sys.argv[1]).glob("*")):
    data = jpeg.read_bytes()
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], int.from_bytes(data[at + 2:at + 4], "big")
        payload = data[at + 4:at + 2 + length]
        if marker == 0xE1 and payload.startswith(XMP):
            (out / (jpeg.stem + ".xmp")).write_bytes(b"\0" + payload[len(XMP):])
        if marker == 0xED and payload.startswith(PHOTOSHOP):
            resources = payload[len(PHOTOSHOP):]
            # 8BIM, id 0x0404, empty name (2 bytes), size (4 bytes), then the block.
            if resources[4:6] == b"\x04\x04":
                size = int.from_bytes(resources[8:12], "big")
                (out / (jpeg.stem + ".iptc")).write_bytes(b"\1" + resources[12:12 + size])
        if marker == 0xDA:
            (out / (jpeg.stem + ".head")).write_bytes(b"\2" + data[:at])
            break
        at += 2 + length
