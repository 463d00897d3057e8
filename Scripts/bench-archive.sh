#!/usr/bin/env bash
# Archive scale: what one change costs in a gallery of ARCHIVE frames (default 100,000) against the
# same change in a gallery of 1,000, in one run, so the ratio shows whether cost still grows with N.
# For each size: first ingest (wall, peak RSS); one frame added in the middle of the gallery, then
# removed (wall, peak RSS, files and bytes written under galleries/); the no-op re-run (median of 3,
# µs a frame); the site rebuilt from nothing and opened in Chromium; and a watcher fed one new
# frame every 0.5 s for 60 frames (latency close → page).
# Frames are 160 px JPEGs with EXIF made by `cupola make-samples`, cached under BENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/cupola-bench}
ARCHIVE=${ARCHIVE:-100000}
CUPOLA=${CUPOLA:-$(swift build -c release --show-bin-path)/cupola}
[ -x "$CUPOLA" ] || swift build -c release --product cupola >/dev/null
mkdir -p "$BENCH_DIR"

measure() { # label library source... : one ingest; prints label, wall s, peak MB, files and bytes written
  local label=$1 library=$2; shift 2
  touch "$BENCH_DIR/archive.marker"; sleep 0.01
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/archive.time" "$CUPOLA" ingest "$@" --library "$library" >/dev/null 2>"$BENCH_DIR/archive.err" \
    || { cat "$BENCH_DIR/archive.err" >&2; exit 1; }
  read -r wall kib < "$BENCH_DIR/archive.time"
  local files bytes
  files=$(find "$library/galleries" -type f -newer "$BENCH_DIR/archive.marker" | wc -l)
  bytes=$(find "$library/galleries" -type f -newer "$BENCH_DIR/archive.marker" -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  printf '%-34s %7.2f s  peak RSS %5.0f MB  %3d files, %9d bytes written under galleries/\n' \
    "$label" "$wall" "$((kib / 1024))" "$files" "$bytes"
  echo "${label// /_} $wall $kib $files $bytes" >> "$BENCH_DIR/archive.results"
}

: > "$BENCH_DIR/archive.results"
for size in 1000 "$ARCHIVE"; do
  frames="$BENCH_DIR/archive-$size"
  if [ "$(ls "$frames" 2>/dev/null | wc -l)" -ne "$size" ]; then
    rm -rf "$frames"
    started=$(date +%s)
    "$CUPOLA" make-samples "$frames" --count "$size" --size 160 --expedition 70 >/dev/null
    echo "made $size frames in $(( $(date +%s) - started )) s (kept for the next run)"
  fi
  library="$BENCH_DIR/archive-library-$size"
  rm -rf "$library"
  echo "== one gallery of $size frames (iss070)"
  measure "first ingest" "$library" "$frames"
  # A frame taken at the same second as the middle one: it lands in the middle of the gallery's order.
  middle=$(printf 'iss070e%06d.jpg' $((100000 + size / 2)))
  # Three times each, the median quoted: one run of a second is at the mercy of a noisy machine.
  for run in 1 2 3; do
    cp "$frames/$middle" "$frames/iss070e999999.jpg"
    measure "one frame added" "$library" "$frames"
    rm "$frames/iss070e999999.jpg"
    measure "one frame removed" "$library" "$frames"
  done
  python3 - "$BENCH_DIR/archive.results" <<'PY'
import statistics, sys
lines = [line.split() for line in open(sys.argv[1])]
for label in ("one_frame_added", "one_frame_removed"):
    runs = [line for line in lines if line[0] == label][-3:]
    print(f"{label.replace('_', ' ') + ', median of 3':34s} {statistics.median(float(r[1]) for r in runs):7.2f} s  "
          f"peak RSS {statistics.median(int(r[2]) for r in runs) / 1024:5.0f} MB")
PY
  for run in 1 2 3; do measure "no-op re-run" "$library" "$frames" >/dev/null; done
  python3 - "$BENCH_DIR/archive.results" "$size" <<'PY'
import statistics, sys
runs = [float(line.split()[1]) for line in open(sys.argv[1]) if line.startswith("no-op_re-run")][-3:]
size = int(sys.argv[2])
print(f"{'no-op re-run, median of 3':34s} {statistics.median(runs):7.2f} s  ({1e6 * statistics.median(runs) / size:.1f} µs a frame)")
PY
  # The gallery site: rebuilt from nothing, then opened in headless Chromium (first thumbnails,
  # then the end of the last section).
  rm -rf "$library/site"
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/archive.time" "$CUPOLA" site --library "$library" >/dev/null 2>&1
  read -r wall kib < "$BENCH_DIR/archive.time"
  printf '%-34s %7.2f s  peak RSS %5.0f MB  %3d files, %s\n' "site from scratch" "$wall" "$((kib / 1024))" \
    "$(find "$library/site" -type f | wc -l)" "$(du -sh "$library/site" | cut -f1)"
  if python3 Scripts/site-check.py "$library/site" --checks jump --gallery iss070 > "$BENCH_DIR/site.json"; then
    python3 - "$BENCH_DIR/site.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jump"]
print(f"{'site: first thumbnails':34s} {j['firstThumbnailSeconds']:7.2f} s  ({j['imagesAtStart']} img, {j['sections']} sections)")
print(f"{'site: end of the last section':34s} {j['lastFrameSeconds']:7.2f} s  ({j['imagesAtEnd']} img, "
      f"{j['elementsAtEnd']} elements, scroll height {j['scrollHeight']} px)")
PY
  else
    echo "site check skipped (Chromium, chromedriver or selenium missing)"
  fi
  python3 Scripts/archive-watch-bench.py "$CUPOLA" "$library" "$frames/$middle" iss070 60
  rm -rf "$library"
done
python3 - "$BENCH_DIR/archive.results" "$ARCHIVE" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall = line.split()[:2]
    rows.setdefault(label, []).append(float(wall))
for label in ["one_frame_added", "one_frame_removed"]:
    # Three runs per size, 1,000 first: the medians' ratio.
    small, large = statistics.median(rows[label][:3]), statistics.median(rows[label][3:6])
    print(f"ratio {sys.argv[2]} / 1,000 frames, {label.replace('_', ' ')}: {large / small:.2f} (target <= 2)")
PY
