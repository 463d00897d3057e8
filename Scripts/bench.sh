#!/usr/bin/env bash
# Cupola's benchmark: the release binary against vipsthumbnail on the same machine, in one run.
#
#  1. Full-size frames (5568x3712): `cupola ingest` (three renditions, metadata, manifests) against
#     vipsthumbnail making only the 2048 rendition, and all three, two processes in parallel with
#     VIPS_CONCURRENCY=1. Medians of RUNS runs, ratios, frames per second, peak RSS, stage
#     breakdown from --stats, and rendition quality against vipsthumbnail's.
#  2. 10,000 small frames with EXIF: first ingest (median of 3, each into a library of its own)
#     and the no-op re-run (median of 5).
#  3. The watcher: latency from close to manifest entry (200 frames, one every 50 ms), and RSS
#     over 5,000 frames in one watcher process.
#  4. Camera raw (Scripts/bench-raw.sh): per-frame cost at the full frame size as JPEG, as DNG
#     through its embedded preview and through LibRaw's demosaic.
#  5. Archive scale (Scripts/bench-archive.sh): one change to a 100,000-frame gallery against the
#     same change to a 1,000-frame one, the no-op re-run and watcher latency at that size.
#  6. Many workers (Scripts/bench-workers.sh): the full-size frames through one SQLite process,
#     one PostgreSQL worker and two; and the shared work queue (Scripts/bench-claims.sh): claims
#     and finishes a second of 100,000 no-op jobs with 4 and 16 claimers. Private servers.
#
# Corpora are built once under BENCH_DIR (default /tmp/cupola-bench) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/cupola-bench}
RUNS=${RUNS:-3}
FRAMES=${FRAMES:-48}
SMALL=${SMALL:-10000}
JOBS=${JOBS:-2}
SHARED=${SHARED:-../shared}

command -v exiftool >/dev/null || { sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo; $sudo apt-get install -y -qq libimage-exiftool-perl time >/dev/null; }
[ -x /usr/bin/time ] || { sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo; $sudo apt-get install -y -qq time >/dev/null; }

swift build -c release --product cupola >/dev/null
CUPOLA=$(swift build -c release --show-bin-path)/cupola
mkdir -p "$BENCH_DIR"
big="$BENCH_DIR/full-size"
if [ "$(ls "$big" 2>/dev/null | wc -l)" -lt "$FRAMES" ]; then
  rm -rf "$big"
  if [ -x "$SHARED/bench/make-bench-corpus.sh" ] && [ -d "$SHARED/corpus/iss-small" ]; then
    echo "building $FRAMES full-size frames from the ISS corpus (once)..." >&2
    "$SHARED/bench/make-bench-corpus.sh" "$SHARED/corpus/iss-small" "$big" "$FRAMES" >&2
  else
    echo "no ../shared: synthesising $FRAMES full-size frames (once)..." >&2
    mkdir -p "$big"
    for i in $(seq 1 "$FRAMES"); do
      vips gaussnoise "$BENCH_DIR/noise.v" 5568 3712 --sigma 40 --mean 128
      vips bandjoin "$BENCH_DIR/noise.v $BENCH_DIR/noise.v $BENCH_DIR/noise.v" "$BENCH_DIR/rgb.v"
      vips cast "$BENCH_DIR/rgb.v" "$big/ISS069-E-$((10000 + i)).JPG[Q=95]" uchar
    done
    rm -f "$BENCH_DIR"/*.v
  fi
fi
small="$BENCH_DIR/small-$SMALL"
if [ "$(ls "$small" 2>/dev/null | wc -l)" -lt "$SMALL" ]; then
  rm -rf "$small"
  "$CUPOLA" make-samples "$small" --count "$SMALL" --size 160 >&2
fi

# The small libraries (30,000 files each) are deleted at the end of the run, and the time noted. On
# ext4 without a journal (this machine's root), inodes freed in the last 60 s, or 6 minutes while
# their inode-table block is dirty, are skipped one at a time whenever a file is created: a first
# ingest soon after deleting the last one measured 9.6-17.5 s instead of 3.9-4.1 s, nearly all of
# it kernel time. So the small-frame runs wait until 400 s after the last deletion, as a real first
# ingest would find the disk.
forget_small_libraries() {
  if compgen -G "$BENCH_DIR/small-library*" >/dev/null; then
    rm -rf "$BENCH_DIR"/small-library*
    sync
    date +%s > "$BENCH_DIR/small-deleted-at"
  fi
}
forget_small_libraries

out="$BENCH_DIR/out"
timed() { # label command... : prints "label seconds peak_kib"
  local label=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>"$BENCH_DIR/last.err" || { cat "$BENCH_DIR/last.err" >&2; exit 1; }
  echo "$label $(cat "$log")"
  rm -f "$log"
}

vipsthumbnail_all() { # sizes...
  for size in "$@"; do
    mkdir -p "$out/vips-$size"
    ls "$big" | sed "s|^|$big/|" | VIPS_CONCURRENCY=1 xargs -P "$JOBS" -n 4 \
      vipsthumbnail --size "$size" -o "$out/vips-$size/%s.jpg[Q=85,strip]"
  done
}
export -f vipsthumbnail_all
export big out JOBS

results="$BENCH_DIR/results.txt"
: > "$results"
for run in $(seq 1 "$RUNS"); do
  rm -rf "$out"; mkdir -p "$out"
  timed vips1 bash -c 'vipsthumbnail_all 2048' >> "$results"
  rm -rf "$out"; mkdir -p "$out"
  timed vips3 bash -c 'vipsthumbnail_all 2048 1024 256' >> "$results"
  rm -rf "$BENCH_DIR/library"
  timed cupola "$CUPOLA" ingest "$big" --library "$BENCH_DIR/library" --jobs "$JOBS" >> "$results"
done
"$CUPOLA" ingest "$big" --library "$BENCH_DIR/stats-library" --jobs "$JOBS" --stats --json > "$BENCH_DIR/stats.json" 2>/dev/null || true
rm -rf "$BENCH_DIR/stats-library"

# Regenerate after changing only the thumb size, on the library of the last ingest above. Each run
# sets a new thumb size, so each rebuilds every thumb: three runs the default way (from a larger
# up-to-date rendition where there is one), then three decoding the originals.
thumb_settings() { # size
  printf '[[rendition]]\nname = "large"\nsize = 2048\nquality = 85\n'
  printf '[[rendition]]\nname = "medium"\nsize = 1024\nquality = 85\n'
  printf '[[rendition]]\nname = "thumb"\nsize = %s\nquality = 80\n' "$1"
}
: > "$BENCH_DIR/regenerate.times"
for size in 200 190 180 170 160 150; do
  thumb_settings "$size" > "$BENCH_DIR/library/cupola.toml"
  mode=default; extra=()
  if [ "$size" -le 170 ]; then mode=originals; extra=(--from-originals); fi
  /usr/bin/time -f "%e" -o "$BENCH_DIR/regenerate.time" "$CUPOLA" regenerate --library "$BENCH_DIR/library" \
    --jobs "$JOBS" "${extra[@]}" --json > "$BENCH_DIR/regenerate-$mode.json"
  echo "$mode $(cat "$BENCH_DIR/regenerate.time")" >> "$BENCH_DIR/regenerate.times"
done
rm -f "$BENCH_DIR/library/cupola.toml"

# Quality: every cupola large rendition against vipsthumbnail's 2048 of the same frame.
quality="$BENCH_DIR/quality.txt"
: > "$quality"
for f in "$big"/*; do
  stem=$(basename "${f%.*}")
  ours=$(ls "$BENCH_DIR"/library/galleries/*/large/* | grep -i -F "/$(python3 - "$stem" <<'PY'
import re, sys
m = re.match(r"(?i)^(iss|sts)(\d{3})-?([a-z0-9]+)-?0*(\d+)$", sys.argv[1])
print(f"{m.group(1).upper()}{m.group(2)}-{m.group(3).upper()}-{int(m.group(4))}" if m else sys.argv[1])
PY
).jpg" | head -1)
  [ -n "$ours" ] || continue
  vips subtract "$ours" "$out/vips-2048/$stem.jpg" "$BENCH_DIR/d.v" 2>/dev/null || continue
  vips abs "$BENCH_DIR/d.v" "$BENCH_DIR/a.v"
  echo "$(vips avg "$BENCH_DIR/a.v")" >> "$quality"
done
rm -f "$BENCH_DIR"/*.v

# Small frames: first ingest, then the no-op re-run.
smallresults="$BENCH_DIR/small.txt"
settle=$(( $(cat "$BENCH_DIR/small-deleted-at" 2>/dev/null || echo 0) + 400 - $(date +%s) ))
if [ "$settle" -gt 0 ]; then echo "waiting ${settle} s for freed inodes to settle..." >&2; sleep "$settle"; fi
: > "$smallresults"
for run in 1 2 3; do
  timed first "$CUPOLA" ingest "$small" --library "$BENCH_DIR/small-library-$run" >> "$smallresults"
done
for run in 1 2 3 4 5; do
  timed noop "$CUPOLA" ingest "$small" --library "$BENCH_DIR/small-library-3" >> "$smallresults"
done

python3 - "$results" "$BENCH_DIR/stats.json" "$quality" "$smallresults" "$FRAMES" "$SMALL" "$JOBS" "$BENCH_DIR" <<'PY'
import json, statistics, sys
results, stats, quality, small, frames, count, jobs, bench = sys.argv[1:9]
frames, count = int(frames), int(count)
rows = {}
for line in open(results):
    label, seconds, kib = line.split()
    rows.setdefault(label, []).append((float(seconds), int(kib)))
med = {k: statistics.median(s for s, _ in v) for k, v in rows.items()}
rss = {k: max(m for _, m in v) / 1024 for k, v in rows.items()}
n = len(rows["cupola"])
print(f"== {frames} full-size frames, {jobs} workers, median of {n} runs")
print(f"vipsthumbnail, 2048 only      {med['vips1']:7.2f} s  {frames/med['vips1']:6.1f} frames/s")
print(f"vipsthumbnail, 2048+1024+256  {med['vips3']:7.2f} s  {frames/med['vips3']:6.1f} frames/s")
print(f"cupola ingest (3 renditions)  {med['cupola']:7.2f} s  {frames/med['cupola']:6.1f} frames/s  peak RSS {rss['cupola']:.0f} MB")
print(f"ratio cupola / vipsthumbnail 1 rendition   {med['cupola']/med['vips1']:.2f}  (target <= 0.80)")
print(f"ratio cupola / vipsthumbnail 3 renditions  {med['cupola']/med['vips3']:.2f}")
try:
    summary = json.load(open(stats))
    wall = summary["elapsedSeconds"]
    print(f"stage breakdown (one run, {wall:.2f} s wall; stages add up across workers):")
    for stage, seconds in sorted(summary.get("stages", {}).items(), key=lambda kv: -kv[1]):
        print(f"  {stage:9s} {seconds:7.2f} s  {100*seconds/wall:5.1f}% of wall")
except Exception as error:
    print(f"stage breakdown unavailable: {error}")
diffs = [float(x) for x in open(quality) if x.strip()]
if diffs:
    print(f"quality: mean |cupola large - vipsthumbnail 2048| over {len(diffs)} frames: "
          f"mean {statistics.mean(diffs):.3f}, worst {max(diffs):.3f} (target < 2)")
regen_times = {}
for line in open(f"{bench}/regenerate.times"):
    mode, seconds = line.split()
    regen_times.setdefault(mode, []).append(float(seconds))
for mode, label in [("default", "from larger renditions (default)"), ("originals", "--from-originals")]:
    last = json.load(open(f"{bench}/regenerate-{mode}.json"))
    seconds = statistics.median(regen_times[mode])
    print(f"regenerate after changing only the thumb size, {label}: {last['renditionsRebuilt']} renditions of "
          f"{last['framesRebuilt']} frames ({last['framesDerived']} derived), median {seconds:.2f} s of "
          f"{len(regen_times[mode])} = {seconds / med['cupola']:.2f} of a full ingest")
srows = [line.split() for line in open(small)]
first = [float(s) for l, s, _ in srows if l == "first"]
noop = [float(s) for l, s, _ in srows if l == "noop"]
print(f"== {count} small frames with EXIF")
print(f"first ingest median {statistics.median(first):6.2f} s  of {len(first)} runs ({1000*statistics.median(first)/(count/1000):.0f} ms per 1,000 frames; "
      f"{', '.join(f'{s:.2f}' for s in first)})")
print(f"no-op re-run median {statistics.median(noop):6.3f} s  of {len(noop)} runs ({1000*statistics.median(noop)/(count/1000):.1f} ms per 1,000 frames)")
PY
CUPOLA="$CUPOLA" BENCH_DIR="$BENCH_DIR" BIG="$big" Scripts/bench-raw.sh
python3 Scripts/watch-bench.py "$CUPOLA" "$small" "$BENCH_DIR" 200 5000
CUPOLA="$CUPOLA" BENCH_DIR="$BENCH_DIR" Scripts/bench-archive.sh
CUPOLA="$CUPOLA" BENCH_DIR="$BENCH_DIR" BIG="$big" RUNS="$RUNS" Scripts/bench-workers.sh
echo "== shared work queue: 100,000 no-op jobs claimed and finished one at a time"
CUPOLA="$CUPOLA" Scripts/bench-claims.sh
forget_small_libraries
