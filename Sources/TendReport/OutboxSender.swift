import Foundation
import TendCore

/// Sends what waits in a state's outbox to the fleet's PostgreSQL, oldest first. Each entry is one server
/// transaction whose rows are keyed by (host id, local id) and inserted only when absent, and it leaves the
/// outbox only after that transaction committed: an interrupted send is repeated without a duplicate, and an
/// unreachable server leaves everything for the next run.
public struct OutboxSender: Sendable {
    public let url: ReportURL
    /// Entries sent per call at most, so that a host back after months offline catches up over a few runs
    /// instead of holding up this one.
    public var batchLimit = 500

    public init(url: ReportURL) {
        self.url = url
    }

    /// Sends the waiting entries; returns how many the server now holds. Throws when the server cannot be
    /// reached or refuses an entry; what was committed before that is already out of the outbox.
    public func send(from store: SQLiteStateStore) throws -> Int {
        let entries = try store.outboxEntries(limit: batchLimit)
        guard !entries.isEmpty else { return 0 }
        let hostID = try store.hostIdentity()
        let connection = try PostgresConnection(url: url)
        try ServerSchema.prepare(connection)
        var sent = 0
        for entry in entries {
            try connection.script("BEGIN", what: "begin sending a report")
            do {
                try ingest(entry, hostID: hostID, connection: connection)
                try connection.script("COMMIT", what: "commit a report")
            } catch {
                _ = try? connection.script("ROLLBACK", what: "roll back a report")
                throw error
            }
            try store.removeOutboxEntry(id: entry.id)
            sent += 1
        }
        return sent
    }

    private func ingest(_ entry: OutboxEntry, hostID: String, connection: PostgresConnection) throws(ReportError) {
        let payload = entry.payload
        try connection.query("""
            INSERT INTO tend_host (host_id, hostname) VALUES ($1, $2::jsonb->>'hostname')
            ON CONFLICT (host_id) DO UPDATE SET hostname = EXCLUDED.hostname, last_seen = now()
            """, [hostID, payload], what: "record the host")
        let inserted: [[String?]]
        switch entry.kind {
        case .run:
            inserted = try connection.query("""
                INSERT INTO tend_run (host_id, run_id, kind, status, started_at, ended_at, config_path, changed, failed,
                                      pending_count)
                SELECT $1, $3::bigint, r->>'kind', r->>'status', to_timestamp((r->>'startedAt')::float8),
                       to_timestamp((r->>'endedAt')::float8), r->>'configPath',
                       (SELECT count(*) FROM jsonb_array_elements(p->'reports') e WHERE e->>'status' = 'succeeded'),
                       (SELECT count(*) FROM jsonb_array_elements(p->'reports') e WHERE e->>'status' = 'failed'),
                       jsonb_array_length(p->'pending')
                FROM (SELECT $2::jsonb AS p) s, LATERAL (SELECT p->'run' AS r) t
                ON CONFLICT DO NOTHING RETURNING run_id
                """, [hostID, payload, String(entry.localID)], what: "record run \(entry.localID)")
            guard !inserted.isEmpty else { return }  // sent before; its commit outran the outbox's delete
            try connection.query("""
                INSERT INTO tend_report (host_id, run_id, seq, address, operation, status, attempts, duration, error,
                                         finished_at)
                SELECT $1, $3::bigint, e.n, e.v->>'address', e.v->>'operation', e.v->>'status', (e.v->>'attempts')::int,
                       (e.v->>'duration')::float8, e.v->>'error', to_timestamp((e.v->>'finishedAt')::float8)
                FROM jsonb_array_elements($2::jsonb->'reports') WITH ORDINALITY AS e(v, n)
                """, [hostID, payload, String(entry.localID)], what: "record the reports of run \(entry.localID)")
            try connection.query("""
                UPDATE tend_host SET last_run_id = $3::bigint, last_run_kind = p->'run'->>'kind',
                       last_run_status = p->'run'->>'status', last_run_at = to_timestamp((p->'run'->>'endedAt')::float8)
                FROM (SELECT $2::jsonb AS p) s
                WHERE host_id = $1 AND (last_run_id IS NULL OR last_run_id < $3::bigint)
                """, [hostID, payload, String(entry.localID)], what: "record the host's last run")
            try connection.query("""
                UPDATE tend_host SET last_converged_at = greatest(last_converged_at,
                                                                  to_timestamp((p->'run'->>'endedAt')::float8))
                FROM (SELECT $2::jsonb AS p) s
                WHERE host_id = $1 AND p->'run'->>'kind' = 'apply' AND p->'run'->>'status' IN ('converged', 'succeeded')
                """, [hostID, payload], what: "record when the host last converged")
        case .plan:
            inserted = try connection.query("""
                INSERT INTO tend_plan (host_id, plan_id, planned_at, config_path, pending, pending_count)
                SELECT $1, $3::bigint, to_timestamp((p->>'plannedAt')::float8), p->>'configPath', p->'pending',
                       jsonb_array_length(p->'pending')
                FROM (SELECT $2::jsonb AS p) s
                ON CONFLICT DO NOTHING RETURNING plan_id
                """, [hostID, payload, String(entry.localID)], what: "record a plan summary")
            guard !inserted.isEmpty else { return }
        }
        // The drift shown is the newest word on it, from a plan or from what a run left undone.
        try connection.query("""
            UPDATE tend_host SET drift = p->'pending', drift_count = jsonb_array_length(p->'pending'),
                   failed_waiting = p->'failedWaiting', failed_count = jsonb_array_length(p->'failedWaiting'),
                   drift_at = s.at
            FROM (SELECT $2::jsonb AS p,
                         to_timestamp(coalesce($2::jsonb->'run'->>'endedAt', $2::jsonb->>'plannedAt')::float8) AS at) s
            WHERE host_id = $1 AND (drift_at IS NULL OR drift_at <= s.at)
            """, [hostID, payload], what: "record the host's drift")
    }
}
