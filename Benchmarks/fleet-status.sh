#!/usr/bin/env bash
# `tend fleet status` over 1,000 hosts with 1,400 resources each in PostgreSQL (generated data: per host a first
# apply that created 1,400 resources, 29 converged runs after it, one plan; one host in ten drifted, one in fifty
# with a failed change), answering in under 200 ms (issue 13). Prints the times and the database's size.
# Uses $TEND_TEST_POSTGRES_URL (with PGPASSFILE) when set, else starts a throwaway cluster with
# .ci/postgres-test-cluster on port 55433.   Usage: Benchmarks/fleet-status.sh [HOSTS] [RESOURCES]
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${1:-1000}
resources=${2:-1400}
bin=${TEND_BINARY:-}
if [ -z "$bin" ]; then
  swift build --product tend >/dev/null
  bin=$(swift build --show-bin-path)/tend
fi
if [ -z "${TEND_TEST_POSTGRES_URL:-}" ]; then
  eval "$(TEND_TEST_PG_PORT=55433 .ci/postgres-test-cluster)"
fi
db="tend_bench_$$"
admin="$TEND_TEST_POSTGRES_URL"
url="${admin%/*}/$db"
psql -X -q -d "$admin" -c "CREATE DATABASE $db"
trap 'psql -X -q -d "$admin" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
"$bin" fleet status --report-url "$url" >/dev/null   # creates the schema, as the first host's report would

start=$(date +%s)
psql -X -q -v ON_ERROR_STOP=1 -d "$url" -v hosts="$hosts" -v resources="$resources" <<'SQL'
INSERT INTO tend_host (host_id, hostname, last_seen)
  SELECT md5('host' || h), 'host-' || lpad(h::text, 4, '0'), now() - (h || ' seconds')::interval
  FROM generate_series(1, :hosts) h;
INSERT INTO tend_run (host_id, run_id, kind, status, started_at, ended_at, config_path, changed, failed, pending_count)
  SELECT md5('host' || h), r, 'apply', CASE WHEN r = 1 THEN 'succeeded' ELSE 'converged' END,
         now() - ((31 - r) || ' hours')::interval, now() - ((31 - r) || ' hours')::interval + interval '40 seconds',
         '/home/user/tend.yaml', CASE WHEN r = 1 THEN :resources ELSE 0 END, 0, 0
  FROM generate_series(1, :hosts) h, generate_series(1, 30) r;
INSERT INTO tend_report (host_id, run_id, seq, address, operation, status, attempts, duration, error, finished_at)
  SELECT md5('host' || h), 1, n, 'file:~/.config/app' || n || '/settings.conf', 'create', 'succeeded', 1, 0.004, NULL,
         now() - interval '30 hours'
  FROM generate_series(1, :hosts) h, generate_series(1, :resources) n;
INSERT INTO tend_plan (host_id, plan_id, planned_at, config_path, pending, pending_count)
  SELECT md5('host' || h), 31, now() - interval '10 minutes', '/home/user/tend.yaml',
         CASE WHEN h % 10 = 0 THEN '[{"address":"file:~/.bashrc","operation":"modify"},{"address":"apt:ripgrep","operation":"create"}]'::jsonb
              ELSE '[]'::jsonb END,
         CASE WHEN h % 10 = 0 THEN 2 ELSE 0 END
  FROM generate_series(1, :hosts) h;
UPDATE tend_host h SET last_run_id = 30, last_run_kind = 'apply', last_run_status = 'converged',
       last_run_at = now() - interval '1 hour', last_converged_at = now() - interval '1 hour',
       drift = p.pending, drift_count = p.pending_count, drift_at = p.planned_at,
       failed_waiting = CASE WHEN right(h.hostname, 4)::int % 50 = 0
                             THEN '[{"address":"script:vpn","operation":"create","error":"exit 3"}]'::jsonb
                             ELSE '[]'::jsonb END,
       failed_count = CASE WHEN right(h.hostname, 4)::int % 50 = 0 THEN 1 ELSE 0 END
  FROM tend_plan p WHERE p.host_id = h.host_id;
VACUUM ANALYZE tend_host, tend_run, tend_report, tend_plan;
SQL
echo "generated $hosts hosts x $resources resources in $(( $(date +%s) - start )) s"

measure() {
  local label=$1; shift
  local times=()
  for _ in 1 2 3 4 5 6 7; do
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    times+=( $(( (t1 - t0) / 1000000 )) )
  done
  printf '%s: ' "$label"; printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "min %d ms, median %d ms, max %d ms (7 runs)\n", a[1], a[int((NR+1)/2)], a[NR]}'
}
# The server's share: the status query itself, as tend sends it (psql's own start-up excluded by \timing).
query="SELECT count(*) FROM (SELECT host_id, hostname, last_seen, last_run_id, last_run_kind, last_run_status,
  last_run_at, last_converged_at,
  (SELECT string_agg((d->>'address') || ' (' || (d->>'operation') || ')', E'\\n') FROM jsonb_array_elements(drift) d),
  drift_count,
  (SELECT string_agg((f->>'address') || ' (' || (f->>'operation') || ')', E'\\n') FROM jsonb_array_elements(failed_waiting) f),
  failed_count FROM tend_host ORDER BY hostname, host_id) s;"
{ echo '\timing on'; for _ in 1 2 3 4 5 6 7; do echo "$query"; done; } | psql -X -q -d "$url" \
  | grep -E '^Time' | sort -t: -k2 -n | sed -n '4p' | sed 's/^/status query on the server (median of 7): /'
measure "tend fleet status" "$bin" fleet status --report-url "$url"
measure "tend fleet status --json" "$bin" fleet status --json --report-url "$url"
measure "tend fleet history host-0500" "$bin" fleet history host-0500 --report-url "$url"
measure "tend --version (process start-up alone)" "$bin" --version
"$bin" fleet status --report-url "$url" | tail -1
psql -X -A -t -d "$url" -c "SELECT 'database: ' || pg_size_pretty(pg_database_size(current_database()))"
psql -X -A -t -d "$url" -c "SELECT relname || ': ' || pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class
                            WHERE relname IN ('tend_host', 'tend_run', 'tend_report', 'tend_plan') ORDER BY 1"
