import Foundation

/// Reads the fleet database for `tend fleet status` and `tend fleet history`.
public struct FleetQuery {
    private let connection: PostgresConnection

    /// Connects and checks the schema (migrating an empty database, refusing a newer one).
    public init(url: ReportURL) throws(ReportError) {
        connection = try PostgresConnection(url: url)
        try ServerSchema.prepare(connection)
    }

    /// Every host, by name. One scan of `tend_host`, which every report keeps current: it stays one read of a
    /// thousand rows however many runs and reports the hosts have sent.
    public func status() throws(ReportError) -> [FleetHostStatus] {
        let rows = try connection.query("""
            SELECT host_id, hostname, extract(epoch FROM last_seen), last_run_id, last_run_kind, last_run_status,
                   extract(epoch FROM last_run_at), extract(epoch FROM last_converged_at),
                   (SELECT string_agg((d->>'address') || ' (' || (d->>'operation') || ')', E'\\n')
                      FROM jsonb_array_elements(drift) d),
                   drift_count,
                   (SELECT string_agg((f->>'address') || ' (' || (f->>'operation') || ')', E'\\n')
                      FROM jsonb_array_elements(failed_waiting) f),
                   failed_count
            FROM tend_host ORDER BY hostname, host_id
            """, what: "read the hosts")
        return rows.map { row in
            FleetHostStatus(
                hostID: row[0] ?? "", hostname: row[1] ?? "", lastSeen: Self.date(row[2]) ?? Date(timeIntervalSince1970: 0),
                lastRunID: row[3].flatMap { Int64($0) }, lastRunKind: row[4], lastRunStatus: row[5],
                lastRunAt: Self.date(row[6]), lastConvergedAt: Self.date(row[7]),
                drift: Self.lines(row[8]), driftCount: row[9].flatMap { Int($0) } ?? 0,
                failedWaiting: Self.lines(row[10]), failedCount: row[11].flatMap { Int($0) } ?? 0)
        }
    }

    /// The host a name or id prefix names; throws when none or several do.
    public func host(named name: String) throws(ReportError) -> (id: String, hostname: String) {
        let rows = try connection.query("""
            SELECT host_id, hostname FROM tend_host
            WHERE hostname = $1 OR host_id = $1 OR host_id LIKE replace(replace($1, '%', ''), '_', '') || '%'
            ORDER BY host_id LIMIT 20
            """, [name], what: "find host \(name)")
        let exact = rows.filter { $0[0] == name }
        let chosen = exact.isEmpty ? rows : exact
        guard chosen.count == 1, let id = chosen[0][0] else {
            throw ReportError.unknownHost(name, candidates: chosen.compactMap { $0[0].map { "\($0) (\(chosen.first?[1] ?? ""))" } })
        }
        return (id, chosen[0][1] ?? "")
    }

    /// A host's runs, newest first (the primary key's order: no sort).
    public func history(hostID: String, limit: Int) throws(ReportError) -> [FleetRunSummary] {
        try connection.query("""
            SELECT run_id, kind, status, extract(epoch FROM started_at), extract(epoch FROM ended_at), changed, failed,
                   pending_count
            FROM tend_run WHERE host_id = $1 ORDER BY run_id DESC LIMIT $2::int
            """, [hostID, String(limit)], what: "read the runs of \(hostID)").map { row in
            FleetRunSummary(runID: row[0].flatMap { Int64($0) } ?? 0, kind: row[1] ?? "", status: row[2] ?? "",
                            startedAt: Self.date(row[3]) ?? Date(timeIntervalSince1970: 0), endedAt: Self.date(row[4]),
                            changed: row[5].flatMap { Int($0) } ?? 0, failed: row[6].flatMap { Int($0) } ?? 0,
                            pending: row[7].flatMap { Int($0) } ?? 0)
        }
    }

    private static func date(_ text: String?) -> Date? {
        text.flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
    }

    private static func lines(_ text: String?) -> [String] {
        text.map { $0.split(separator: "\n").map(String.init) } ?? []
    }
}
