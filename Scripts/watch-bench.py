#!/usr/bin/env python3
"""Watcher benchmark: latency from a writer's close to the frame's manifest entry, and memory over
thousands of frames in one watcher process.

usage: watch-bench.py CUPOLA SMALL_FRAMES_DIR WORK_DIR [FRAMES] [MEMORY_FRAMES]
"""
import json
import os
import pathlib
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cupola_pages  # noqa: E402

cupola, frames_dir, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
count = int(sys.argv[4]) if len(sys.argv) > 4 else 200
memory_count = int(sys.argv[5]) if len(sys.argv) > 5 else 5000
sources = sorted(frames_dir.glob("*.jpg"))


def frame_id(name):
    m = re.match(r"iss(\d{3})e0*(\d+)\.jpg", name)
    return f"ISS{m.group(1)}-E-{int(m.group(2))}"


def manifest_ids(library):
    ids = set()
    for manifest in (library / "galleries").glob("*/manifest.json"):
        try:
            ids.update(f["id"] for f in cupola_pages.frames(manifest))
        except (json.JSONDecodeError, FileNotFoundError):
            pass
    return ids


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start(inbox, library):
    shutil.rmtree(inbox, ignore_errors=True)
    shutil.rmtree(library, ignore_errors=True)
    inbox.mkdir(parents=True)
    process = subprocess.Popen([cupola, "watch", str(inbox), "--library", str(library)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    return process


# Latency: one frame every 50 ms, each written then closed.
inbox, library = work / "inbox", work / "watch-library"
process = start(inbox, library)
closed, seen = {}, {}
next_write = time.monotonic()
pending = list(sources[:count])
while pending or len(seen) < len(closed):
    now = time.monotonic()
    if pending and now >= next_write:
        source = pending.pop(0)
        data = source.read_bytes()
        with open(inbox / source.name, "wb") as handle:
            handle.write(data)
        closed[frame_id(source.name)] = time.monotonic()
        next_write += 0.05
    for ident in manifest_ids(library) - seen.keys():
        seen[ident] = time.monotonic()
    if now - next_write > 60:
        break
    time.sleep(0.01)
process.send_signal(signal.SIGTERM)
process.wait(timeout=60)
latencies = sorted(seen[i] - closed[i] for i in closed if i in seen)
p95 = latencies[int(0.95 * (len(latencies) - 1))]
print(f"watch latency, {len(latencies)}/{count} frames one every 50 ms, default --settle 1: "
      f"median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s")

# Memory: RSS after the first 1,000 frames and after all of them, in one watcher process.
process = start(inbox, library)
batch = 500
marks = {}
for start_at in range(0, memory_count, batch):
    for source in sources[start_at:start_at + batch]:
        shutil.copyfile(source, inbox / source.name)
    target = start_at + batch
    deadline = time.monotonic() + 120
    while len(manifest_ids(library)) < target and time.monotonic() < deadline:
        time.sleep(0.2)
    marks[target] = rss_kib(process.pid)
process.send_signal(signal.SIGTERM)
process.wait(timeout=60)
first, last = marks.get(1000, 0), marks[max(marks)]
print(f"watch memory: RSS {first / 1024:.0f} MB after 1,000 frames, {last / 1024:.0f} MB after {max(marks):,} "
      f"({100 * (last - first) / max(first, 1):+.1f}%)")
