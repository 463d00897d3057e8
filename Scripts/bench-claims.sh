#!/usr/bin/env bash
# #13's queue figure: no-op jobs through the PostgreSQL work queue, each claimed and finished in
# a transaction of its own, by 4 and then 16 claimers side by side (`cupola claim-bench`), on a
# private server (Scripts/with-postgres.sh: fsync and synchronous commit off, so an upper bound).
#   CUPOLA=.build/release/cupola CLAIM_JOBS=100000 Scripts/bench-claims.sh
set -euo pipefail
if [ -z "${CUPOLA_TEST_POSTGRES:-}" ]; then exec "$(dirname "$0")/with-postgres.sh" "$0" "$@"; fi
cupola=${CUPOLA:-.build/release/cupola}
jobs=${CLAIM_JOBS:-100000}
for claimers in ${CLAIMERS:-4 16}; do
  db=claims_${claimers}_$$
  "$CUPOLA_TEST_POSTGRES_BIN/psql" --no-psqlrc -q -d "$CUPOLA_TEST_POSTGRES" -c "CREATE DATABASE $db"
  "$cupola" claim-bench --catalog "${CUPOLA_TEST_POSTGRES/\/postgres\?//$db?}" --jobs "$jobs" --claimers "$claimers"
done
