#!/usr/bin/env bash
# Runs a command beside a private PostgreSQL server: a new cluster in a temporary folder, reached
# only through a Unix socket there (no TCP port), removed afterwards. The command finds it in
# CUPOLA_TEST_POSTGRES (a postgresql:// URL of the `postgres` database, superuser `cupola`).
# PostgreSQL refuses to run as root: as root, the server runs as the unprivileged `postgres` user.
# Without PostgreSQL's programs the command runs alone and the PostgreSQL tests say they skipped.
#   Scripts/with-postgres.sh swift test --skip-build
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: PostgreSQL is not installed (Scripts/install-deps.sh installs it); PostgreSQL tests will skip" >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/cupola-pg.XXXXXX)
as_server=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
  chown postgres "$dir"
  as_server=(runuser -u postgres --)
fi

stop() {
  "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

# A server that will not start is said loudly, and the command runs without it (those tests skip).
without_server() {
  cat "$1" >&2
  echo "with-postgres: the private PostgreSQL server did not start (above); PostgreSQL tests will skip" >&2
}
if ! "${as_server[@]}" "$bindir/initdb" -D "$dir/data" -U cupola --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
  without_server "$dir/initdb.log"
  set +e; "$@"; exit $?
fi
# A test server: durability off (the cluster is thrown away), enough connections for many workers.
if ! "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null; then
  without_server "$dir/server.log"
  set +e; "$@"; exit $?
fi

export CUPOLA_TEST_POSTGRES="postgresql://cupola@/postgres?host=$dir"
export CUPOLA_TEST_POSTGRES_BIN="$bindir"
export CUPOLA_TEST_POSTGRES_DATA="$dir/data"
echo "with-postgres: private server at $dir (PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'))" >&2
set +e
"$@"
status=$?
set -e
exit $status
