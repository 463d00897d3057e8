#!/usr/bin/env bash
# #13's worker figure: full-size frames ingested by one SQLite process (--jobs 2), by one worker
# through PostgreSQL (--jobs 2) and by two workers through PostgreSQL (--jobs 1 each, side by
# side), each into a library and database of its own, on a private server (Scripts/with-postgres.sh).
# Frames come from BIG (the bench's full-size corpus) or else the raw bench's JPEGs. Medians of
# RUNS runs, frames a second, ratios to SQLite, and the coordination cost a frame.
#   CUPOLA=.build/release/cupola Scripts/bench-workers.sh
set -euo pipefail
if [ -z "${CUPOLA_TEST_POSTGRES:-}" ]; then exec "$(dirname "$0")/with-postgres.sh" "$0" "$@"; fi
cupola=${CUPOLA:-.build/release/cupola}
BENCH_DIR=${BENCH_DIR:-/tmp/cupola-bench}
RUNS=${RUNS:-3}
frames=${BIG:-$BENCH_DIR/full-size}
[ -d "$frames" ] || frames=$(ls -d "$BENCH_DIR"/raw-jpeg-* | head -n 1)
count=$(ls "$frames" | wc -l)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

database() {
  "$CUPOLA_TEST_POSTGRES_BIN/psql" --no-psqlrc -q -d "$CUPOLA_TEST_POSTGRES" -c "CREATE DATABASE $1"
  echo "${CUPOLA_TEST_POSTGRES/\/postgres\?//$1?}"
}
seconds() { python3 -c "import time; print(time.time())"; }

for run in $(seq 1 "$RUNS"); do
  start=$(seconds)
  "$cupola" ingest "$frames" --library "$work/sqlite-$run" --jobs 2 >/dev/null 2>&1
  echo "sqlite $(python3 -c "print($(seconds) - $start)")"
  url=$(database "one_${run}_$$")
  start=$(seconds)
  "$cupola" ingest "$frames" --library "$work/one-$run" --catalog "$url" --jobs 2 >/dev/null 2>&1
  echo "one $(python3 -c "print($(seconds) - $start)")"
  url=$(database "two_${run}_$$")
  start=$(seconds)
  "$cupola" ingest "$frames" --library "$work/two-$run" --catalog "$url" --jobs 1 >/dev/null 2>&1 &
  "$cupola" ingest "$frames" --library "$work/two-$run" --catalog "$url" --jobs 1 >/dev/null 2>&1
  wait
  echo "two $(python3 -c "print($(seconds) - $start)")"
done > "$work/times"

python3 - "$work/times" "$count" "$frames" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    kind, seconds = line.split()
    times.setdefault(kind, []).append(float(seconds))
count = int(sys.argv[2])
med = {kind: statistics.median(values) for kind, values in times.items()}
print(f"== {count} full-size frames ({sys.argv[3]}), median of {len(times['sqlite'])} runs")
for kind, label in [("sqlite", "SQLite, 1 process --jobs 2"), ("one", "PostgreSQL, 1 worker --jobs 2"),
                    ("two", "PostgreSQL, 2 workers --jobs 1")]:
    print(f"{label:32} {med[kind]:6.2f} s  {count / med[kind]:5.2f} frames/s  {med[kind] / med['sqlite']:.2f}x SQLite")
print(f"coordination cost, 1 worker: {1000 * (med['one'] - med['sqlite']) / count:.0f} ms a frame")
PY
