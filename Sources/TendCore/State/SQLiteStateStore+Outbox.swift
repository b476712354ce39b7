import Foundation
internal import GRDB

/// The outbox for the fleet's PostgreSQL (DESIGN section 3): filled in the transaction that records a run or a
/// plan, emptied one entry at a time after the server committed it.
extension SQLiteStateStore {
    public func finishRun(id: Int64, status: RunRecord.Status, drift: [DriftEntry]?) throws {
        try write("record the end of run \(id)") { db in
            let endedAt = Self.now().timeIntervalSince1970
            try db.execute(sql: "UPDATE run SET status = ?, ended_at = ? WHERE id = ?",
                           arguments: [status.rawValue, endedAt, id])
            guard db.changesCount > 0 else { throw StateError.unknownRun(id) }
            guard let drift else { return }
            let payload = try Self.runPayload(id: id, drift: drift, in: db)
            try db.execute(sql: """
                INSERT INTO report_outbox (kind, local_id, payload, created_at) VALUES ('run', ?, ?, ?)
                """, arguments: [id, payload.compact, endedAt])
        }
    }

    public func enqueuePlanSummary(configPath: String, hostname: String, drift: [DriftEntry]) throws {
        try write("record the plan summary for the fleet") { db in
            let now = Self.now().timeIntervalSince1970
            let payload = JSON.object([
                ("hostname", .string(hostname)), ("plannedAt", .double(now)), ("configPath", .string(configPath)),
                ("pending", .array(drift.map(\.json))), ("failedWaiting", try Self.failedWaiting(in: db)),
            ])
            try db.execute(sql: "INSERT INTO report_outbox (kind, local_id, payload, created_at) VALUES ('plan', 0, ?, ?)",
                           arguments: [payload.compact, now])
            // A plan has no id of its own: the entry's, never reused (AUTOINCREMENT), keys it on the server.
            try db.execute(sql: "UPDATE report_outbox SET local_id = id WHERE id = ?", arguments: [db.lastInsertedRowID])
        }
    }

    /// This state's id in the fleet: random, made once by the migration that added reporting.
    public func hostIdentity() throws -> String {
        try read("read the host id") { db in
            guard let id = try String.fetchOne(db, sql: "SELECT id FROM host_identity WHERE singleton = 1") else {
                throw StateError.corrupt(path: self.path, reason: "the host id is missing")
            }
            return id
        }
    }

    /// The oldest entries first, at most `limit`.
    public func outboxEntries(limit: Int) throws -> [OutboxEntry] {
        try read("read the report outbox") { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, local_id, payload FROM report_outbox ORDER BY id LIMIT ?",
                             arguments: [limit]).map { row in
                let id = try row.decode(Int64.self, forColumn: "id")
                let kindText = try row.decode(String.self, forColumn: "kind")
                guard let kind = OutboxEntry.Kind(rawValue: kindText) else {
                    throw StateError.corrupt(path: self.path, reason: "outbox entry \(id) has an unknown kind '\(kindText)'")
                }
                return OutboxEntry(id: id, kind: kind, localID: try row.decode(Int64.self, forColumn: "local_id"),
                                   payload: try row.decode(String.self, forColumn: "payload"))
            }
        }
    }

    public func outboxCount() throws -> Int {
        try read("count the report outbox") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM report_outbox") ?? 0 }
    }

    /// Called only after the server committed the entry.
    public func removeOutboxEntry(id: Int64) throws {
        try write("remove a sent report from the outbox") { db in
            try db.execute(sql: "DELETE FROM report_outbox WHERE id = ?", arguments: [id])
        }
    }

    private static func runPayload(id: Int64, drift: [DriftEntry], in db: Database) throws -> JSON {
        guard let run = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) else {
            throw StateError.unknownRun(id)
        }
        let reports = try Row.fetchAll(db, sql: """
            SELECT address_type, address_key, operation, status, attempts, duration, error, finished_at
            FROM report WHERE run_id = ? ORDER BY id
            """, arguments: [id]).map { row -> JSON in
            let address = Address(type: try row.decode(String.self, forColumn: "address_type"),
                                  key: try row.decode(String.self, forColumn: "address_key"))
            return .object([
                ("address", .string(address.description)),
                ("operation", .string(try row.decode(String.self, forColumn: "operation"))),
                ("status", .string(try row.decode(String.self, forColumn: "status"))),
                ("attempts", .int(try row.decode(Int.self, forColumn: "attempts"))),
                ("duration", .double(try row.decode(Double.self, forColumn: "duration"))),
                ("error", (try row.decode(String?.self, forColumn: "error")).map(JSON.string) ?? .null),
                ("finishedAt", .double(try row.decode(Double.self, forColumn: "finished_at"))),
            ])
        }
        return .object([
            ("hostname", .string(try run.decode(String.self, forColumn: "hostname"))),
            ("run", .object([
                ("id", .int(Int(id))),
                ("kind", .string(try run.decode(String.self, forColumn: "kind"))),
                ("status", .string(try run.decode(String.self, forColumn: "status"))),
                ("startedAt", .double(try run.decode(Double.self, forColumn: "started_at"))),
                ("endedAt", .double(try run.decode(Double?.self, forColumn: "ended_at") ?? 0)),
                ("configPath", .string(try run.decode(String.self, forColumn: "config_path"))),
            ])),
            ("reports", .array(reports)),
            ("pending", .array(drift.map(\.json))),
            ("failedWaiting", try failedWaiting(in: db)),
        ])
    }

    /// Failed changes kept for `tend recover`.
    private static func failedWaiting(in db: Database) throws -> JSON {
        .array(try Row.fetchAll(db, sql: """
            SELECT address_type, address_key, operation, error, started_at FROM pending_transaction
            WHERE status = 'failed' ORDER BY started_at
            """).map { row in
            .object([
                ("address", .string(Address(type: try row.decode(String.self, forColumn: "address_type"),
                                            key: try row.decode(String.self, forColumn: "address_key")).description)),
                ("operation", .string(try row.decode(String.self, forColumn: "operation"))),
                ("error", (try row.decode(String?.self, forColumn: "error")).map(JSON.string) ?? .null),
            ])
        })
    }
}
