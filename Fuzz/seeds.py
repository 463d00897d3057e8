#!/usr/bin/env python3
"""Writes the EXIF blocks (APP1 payloads) of the sample frames as the fuzzer's seed corpus."""
import pathlib
import sys

out = pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for jpeg in sorted(pathlib.Path(sys.argv[1]).glob("*")):
    data = jpeg.read_bytes()
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], int.from_bytes(data[at + 2:at + 4], "big")
        payload = data[at + 4:at + 2 + length]
        if marker == 0xE1 and payload.startswith(b"Exif\0\0"):
            (out / (jpeg.stem + ".exif")).write_bytes(payload)
        if marker == 0xDA:
            break
        at += 2 + length
