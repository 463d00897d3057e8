#!/usr/bin/env bash
# A theme rule change on a large library: one run that re-files a theme's frames from the catalog
# alone. Usage: Scripts/bench-theme-change.sh SOURCE LIBRARY [CUPOLA]
# LIBRARY must already hold SOURCE's frames (for the archive bench: the 100,000 frames of
# Scripts/bench-archive.sh, ISS070-E-100000…) with LIBRARY/cupola.toml giving theme "bench" the
# first thousand; the run moves it to the thousand frames from ISS070-E-150000, then removes it.
# For each run: wall time, peak RSS, the decode count from --stats, files written under galleries/.
set -euo pipefail
SOURCE=$1 LIBRARY=$2
CUPOLA=${3:-$(cd "$(dirname "$0")/.." && pwd)/.build/debug/cupola}
marker=$(mktemp)

run() { # label settings
  printf '%s\n' "$2" > "$LIBRARY/cupola.toml"
  touch "$marker"; sleep 0.01
  /usr/bin/time -f "%e %M" -o "$marker.time" "$CUPOLA" ingest "$SOURCE" --library "$LIBRARY" --json --stats > "$marker.json"
  read -r wall kib < "$marker.time"
  files=$(find "$LIBRARY/galleries" -type f -newer "$marker" | wc -l)
  removed=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); t=s["themes"]; print(t["joined"], t["left"], ",".join(t["reselected"]) or "-", ",".join(t["removed"]) or "-", sorted(s.get("stages", {})))' "$marker.json")
  printf '%-28s %7.2f s  peak RSS %4d MB  %3d files written under galleries/  (joined left reselected removed stages: %s)\n' \
    "$1" "$wall" "$((kib / 1024))" "$files" "$removed"
}

run "theme rule changed" $'[[theme]]\nid = "bench"\ntitle = "Bench"\nframes = ["ISS070-E-150000..ISS070-E-150999"]'
run "theme rule removed" ""
rm -f "$marker" "$marker.time" "$marker.json"
