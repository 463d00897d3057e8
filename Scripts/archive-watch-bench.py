#!/usr/bin/env python3
"""Watcher latency on an archive-scale library: one new frame every 0.5 s, from close to the frame
appearing in one of its gallery's pages.

usage: archive-watch-bench.py CUPOLA LIBRARY TEMPLATE_FRAME GALLERY COUNT
The library already holds a large gallery; the watcher's inbox is a fresh folder beside it. Each
new frame is a copy of TEMPLATE_FRAME under a new name of the same expedition. Pages are named by
their content, so each page file is read once and its frame ids remembered.
"""
import json
import pathlib
import shutil
import signal
import statistics
import subprocess
import sys
import time

cupola, library, template, gallery, count = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])
expedition = int(gallery[3:])
manifest_path = library / "galleries" / gallery / "manifest.json"
inbox = library.parent / f"{library.name}-inbox"
shutil.rmtree(inbox, ignore_errors=True)
inbox.mkdir()
page_ids = {}


def published_ids():
    try:
        manifest = json.loads(manifest_path.read_text())
    except (json.JSONDecodeError, FileNotFoundError):
        return set()
    ids = set()
    for page in manifest["pages"]:
        if page["path"] not in page_ids:
            try:
                frames = json.loads((manifest_path.parent / page["path"]).read_text())["frames"]
            except FileNotFoundError:  # replaced since the manifest was read
                return ids
            page_ids[page["path"]] = {frame["id"] for frame in frames}
        ids |= page_ids[page["path"]]
    return ids


process = subprocess.Popen([cupola, "watch", str(inbox), "--library", str(library)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(2.0)
data = template.read_bytes()
closed, seen = {}, {}
next_write = time.monotonic()
numbers = list(range(count))
known = published_ids()
while (numbers or len(seen) < len(closed)) and time.monotonic() - next_write < 60:
    now = time.monotonic()
    if numbers and now >= next_write:
        number = 800000 + numbers.pop(0)
        with open(inbox / f"iss{expedition:03d}e{number}.jpg", "wb") as handle:
            handle.write(data)
        closed[f"ISS{expedition:03d}-E-{number}"] = time.monotonic()
        next_write += 0.5
    for ident in published_ids() - known - seen.keys():
        seen[ident] = time.monotonic()
    time.sleep(0.01)
process.send_signal(signal.SIGTERM)
process.wait(timeout=120)
shutil.rmtree(inbox, ignore_errors=True)
latencies = sorted(seen[i] - closed[i] for i in closed if i in seen)
if not latencies:
    print(f"watch latency: no frame of {count} appeared")
    sys.exit(1)
p95 = latencies[int(0.95 * (len(latencies) - 1))]
print(f"watch latency, {len(latencies)}/{count} frames one every 0.5 s, default --settle 1: "
      f"median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s (target <= 1.5 s)")
