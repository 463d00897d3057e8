#!/usr/bin/env bash
# Camera raw at the bench's frame size: per-frame cost of `cupola ingest` (three renditions) for
# RAW_FRAMES full-size frames as JPEG, as DNG through the embedded full-size JPEG preview (the
# default route), and as the same DNGs demosaiced by LibRaw (`[raw] prefer = "decode"`; half size,
# which covers the 2048 rendition). The DNGs are made by `cupola make-samples --raw preview --from`
# from the bench's own full-size JPEG frames (real CFA data of the same pictures), cached under
# BENCH_DIR. Last, the JPEGs and DNGs together, as a downlink brings a NEF beside each JPEG: one
# frame per pair, rendered from the JPEG, the raw kept beside it. Medians of RUNS runs, per frame,
# and ratios to the JPEG figure.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/cupola-bench}
RUNS=${RUNS:-3}
RAW_FRAMES=${RAW_FRAMES:-8}
JOBS=${JOBS:-2}
CUPOLA=${CUPOLA:-$(swift build -c release --show-bin-path)/cupola}
[ -x "$CUPOLA" ] || swift build -c release --product cupola >/dev/null
big=${BIG:-$BENCH_DIR/full-size}
mkdir -p "$BENCH_DIR"

jpegs="$BENCH_DIR/raw-jpeg-$RAW_FRAMES"
raws="$BENCH_DIR/raw-dng-$RAW_FRAMES"
if [ "$(ls "$raws" 2>/dev/null | wc -l)" -ne "$RAW_FRAMES" ]; then
  rm -rf "$jpegs" "$raws"
  mkdir -p "$jpegs"
  if [ "$(ls "$big" 2>/dev/null | wc -l)" -ge "$RAW_FRAMES" ]; then
    ls "$big" | head -n "$RAW_FRAMES" | while read -r name; do cp "$big/$name" "$jpegs/"; done
  else
    echo "synthesising $RAW_FRAMES full-size frames (once)..." >&2
    for i in $(seq 1 "$RAW_FRAMES"); do
      vips gaussnoise "$BENCH_DIR/noise.v" 5568 3712 --sigma 40 --mean 128
      vips bandjoin "$BENCH_DIR/noise.v $BENCH_DIR/noise.v $BENCH_DIR/noise.v" "$BENCH_DIR/rgb.v"
      vips cast "$BENCH_DIR/rgb.v" "$jpegs/ISS069-E-$((10000 + i)).JPG[Q=95]" uchar
    done
    rm -f "$BENCH_DIR"/*.v
  fi
  started=$(date +%s)
  "$CUPOLA" make-samples "$raws" --raw preview --from "$jpegs" >/dev/null
  echo "made $RAW_FRAMES DNGs in $(( $(date +%s) - started )) s (kept for the next run)" >&2
fi
# The pairs: hard links of both sets in one folder (the JPEG's name sorts first, as a NEF's does).
pairs="$BENCH_DIR/raw-pairs-$RAW_FRAMES"
rm -rf "$pairs"
mkdir -p "$pairs"
ln "$jpegs"/* "$raws"/* "$pairs"/
printf '[raw]\nprefer = "decode"\n' > "$BENCH_DIR/raw-decode.toml"
printf '[raw]\nprefer = "preview"\n' > "$BENCH_DIR/raw-preview.toml"

results="$BENCH_DIR/raw.results"
: > "$results"
for run in $(seq 1 "$RUNS"); do
  for route in jpeg preview decode pairs; do
    library="$BENCH_DIR/raw-library"
    rm -rf "$library"
    source=$raws; config=()
    [ "$route" = jpeg ] && source=$jpegs
    [ "$route" = pairs ] && source=$pairs
    case $route in preview|decode) config=(--config "$BENCH_DIR/raw-$route.toml") ;; esac
    /usr/bin/time -f "%e %M" -o "$BENCH_DIR/raw.time" "$CUPOLA" ingest "$source" --library "$library" --jobs "$JOBS" \
      "${config[@]}" >/dev/null 2>"$BENCH_DIR/raw.err" || { cat "$BENCH_DIR/raw.err" >&2; exit 1; }
    echo "$route $(cat "$BENCH_DIR/raw.time")" >> "$results"
  done
done
rm -rf "$BENCH_DIR/raw-library" "$pairs"

python3 - "$results" "$RAW_FRAMES" "$JOBS" "$raws" <<'PY'
import os, statistics, sys
results, frames, jobs, raws = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = {}
for line in open(results):
    route, seconds, kib = line.split()
    rows.setdefault(route, []).append((float(seconds), int(kib)))
med = {k: statistics.median(s for s, _ in v) for k, v in rows.items()}
rss = {k: max(m for _, m in v) / 1024 for k, v in rows.items()}
size = statistics.median(os.path.getsize(os.path.join(raws, f)) for f in os.listdir(raws)) / 1e6
print(f"== camera raw: {frames} full-size frames, {jobs} workers, median of {len(rows['jpeg'])} runs (DNG {size:.0f} MB each)")
labels = {"jpeg": "JPEG", "preview": "raw, embedded preview", "decode": "raw, LibRaw demosaic (half size)",
          "pairs": "JPEG + raw pair (one frame)"}
for route in ["jpeg", "preview", "decode", "pairs"]:
    per = 1000 * med[route] / frames
    print(f"{labels[route]:34s} {med[route]:7.2f} s  {per:7.0f} ms/frame  {per / (1000 * med['jpeg'] / frames):5.2f}x JPEG"
          f"  peak RSS {rss[route]:.0f} MB")
PY
