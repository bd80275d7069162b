#!/usr/bin/env bash
# Makes the machine's PostgreSQL (the primary, 127.0.0.1:5432) a streaming read replica on another
# port, as a second cluster from Debian's packages: pg_basebackup -R into a data directory of its
# own, started with pg_ctl as the postgres user. Idempotent: a replica already running is left as
# it is, a stopped one is started again (and made anew if it cannot start). The primary is only
# changed when it refuses replication connections from 127.0.0.1: then a pg_hba entry is added
# with the same method as its other 127.0.0.1 entry, and the configuration reloaded (no restart).
#
#   scripts/pg-replica.sh [start]   make or start the replica (default)
#   scripts/pg-replica.sh stop      stop it (the data directory stays)
#
# Environment: PRIMARY_PORT (5432), REPLICA_PORT (5433), REPLICA_DATA
# (/var/lib/postgresql/healthcode-replica-<port>), PGPASSWORD when the server asks for one.
set -euo pipefail

primary_port=${PRIMARY_PORT:-5432}
port=${REPLICA_PORT:-5433}
data=${REPLICA_DATA:-/var/lib/postgresql/healthcode-replica-$port}
log="$data.log"
version=$(ls /etc/postgresql | sort -V | tail -n 1)
bin=/usr/lib/postgresql/$version/bin

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- env PGPASSWORD="${PGPASSWORD:-}" "$@"; fi
}
primary_sql() { psql -qtAX -h 127.0.0.1 -p "$primary_port" -U postgres -d postgres -c "$1"; }
replica_sql() { psql -qtAX -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "$1"; }
replica_ready() { pg_isready -q -h 127.0.0.1 -p "$port" >/dev/null 2>&1; }
pg_ctl_replica() { as_postgres "$bin/pg_ctl" -D "$data" -l "$log" "$@"; }

if [ "${1:-start}" = stop ]; then
  if [ -f "$data/postmaster.pid" ]; then pg_ctl_replica stop -m fast -w; fi
  exit 0
fi

if replica_ready; then
  if [ "$(replica_sql 'select pg_is_in_recovery()')" = t ]; then
    echo "a read replica already runs on 127.0.0.1:$port"
    exit 0
  fi
  echo "port $port answers, but not as a replica: choose another REPLICA_PORT" >&2
  exit 1
fi

# The primary: WAL for replicas (wal_level replica is PostgreSQL's default) and WAL senders.
wal_level=$(primary_sql 'show wal_level')
if [ "$wal_level" = minimal ]; then
  echo "the primary runs with wal_level minimal: set wal_level = replica and restart it" >&2
  exit 1
fi
if [ "$(primary_sql 'show max_wal_senders')" = 0 ]; then
  echo "the primary allows no WAL senders: set max_wal_senders and restart it" >&2
  exit 1
fi
# Replication connections from 127.0.0.1: pg_hba's "all" does not cover them.
if ! psql -qtAX "host=127.0.0.1 port=$primary_port user=postgres replication=true dbname=postgres" \
  -c IDENTIFY_SYSTEM >/dev/null 2>&1; then
  hba=$(primary_sql 'show hba_file')
  method=$(awk '$1 == "host" && $4 ~ /^127\.0\.0\.1/ { print $5; exit }' "$hba")
  echo "allowing replication connections from 127.0.0.1 in $hba (${method:-scram-sha-256})"
  printf '%s\n' "host replication all 127.0.0.1/32 ${method:-scram-sha-256}" >>"$hba"
  primary_sql 'select pg_reload_conf()' >/dev/null
  sleep 1
fi

make_replica() {
  echo "copying the primary into $data (pg_basebackup -R)"
  rm -rf "$data"
  install -d -o postgres -g postgres -m 0700 "$data"
  as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$data" \
    -R -X stream -c fast
  # Debian keeps the configuration outside the data directory: the replica gets its own, with
  # the primary's access rules and the limits a hot standby must not set lower than its primary.
  cp "$(primary_sql 'show hba_file')" "$data/pg_hba.conf"
  : >"$data/pg_ident.conf"
  {
    echo "port = $port"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '/tmp'"
    echo "hot_standby = on"
    for setting in max_connections max_worker_processes max_wal_senders \
      max_prepared_transactions max_locks_per_transaction; do
      echo "$setting = $(primary_sql "show $setting")"
    done
    echo "shared_buffers = 64MB"
  } >"$data/postgresql.conf"
  chown postgres:postgres "$data/pg_hba.conf" "$data/pg_ident.conf" "$data/postgresql.conf"
}

started=false
if [ -f "$data/standby.signal" ] && [ -f "$data/postgresql.conf" ]; then
  if [ -f "$data/postmaster.pid" ] && kill -0 "$(head -n 1 "$data/postmaster.pid")" 2>/dev/null; then
    echo "the read replica in $data is starting; waiting for it"
    started=true
  else
    echo "starting the read replica in $data"
    rm -f "$data/postmaster.pid"
    if pg_ctl_replica start -w -t 60 >/dev/null; then started=true; fi
  fi
fi
if [ "$started" = false ]; then
  make_replica
  pg_ctl_replica start -w -t 120 >/dev/null
fi
for _ in $(seq 1 60); do replica_ready && break; sleep 1; done
replica_ready || { echo "the read replica did not become ready on 127.0.0.1:$port" >&2; exit 1; }
[ "$(replica_sql 'select pg_is_in_recovery()')" = t ] || { echo "port $port is not in recovery" >&2; exit 1; }
echo "read replica ready on 127.0.0.1:$port, streaming from 127.0.0.1:$primary_port"
