/// The fleet database's tables, one migration per version as in the local state; `tend_schema_version` holds
/// the version. A database migrated by a newer tend is refused rather than written in a shape this one does not
/// know.
enum ServerSchema {
    static let version = 1

    /// Never edit a released migration: add the next one.
    static let migrations: [(version: Int, sql: String)] = [
        (1, """
            -- One row per host: what `tend fleet status` reads, kept current by every report so that the status of
            -- a thousand hosts is one scan of a thousand rows, not a search through their runs.
            CREATE TABLE tend_host (
                host_id           text PRIMARY KEY,
                hostname          text NOT NULL,
                first_seen        timestamptz NOT NULL DEFAULT now(),
                last_seen         timestamptz NOT NULL DEFAULT now(),
                last_run_id       bigint,
                last_run_kind     text,
                last_run_status   text,
                last_run_at       timestamptz,
                last_converged_at timestamptz,
                drift             jsonb NOT NULL DEFAULT '[]',   -- [{address, operation}] still pending
                drift_count       integer NOT NULL DEFAULT 0,
                drift_at          timestamptz,                  -- when the plan or run that said so ended
                failed_waiting    jsonb NOT NULL DEFAULT '[]',   -- [{address, operation, error}] for tend recover
                failed_count      integer NOT NULL DEFAULT 0
            );
            CREATE INDEX tend_host_by_name ON tend_host (hostname);

            CREATE TABLE tend_run (
                host_id       text NOT NULL REFERENCES tend_host ON DELETE CASCADE,
                run_id        bigint NOT NULL,                  -- the run's id in the host's local state
                kind          text NOT NULL,
                status        text NOT NULL,
                started_at    timestamptz NOT NULL,
                ended_at      timestamptz,
                config_path   text NOT NULL,
                changed       integer NOT NULL,
                failed        integer NOT NULL,
                pending_count integer NOT NULL,
                received_at   timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (host_id, run_id)
            );

            CREATE TABLE tend_report (
                host_id     text NOT NULL,
                run_id      bigint NOT NULL,
                seq         integer NOT NULL,
                address     text NOT NULL,
                operation   text NOT NULL,
                status      text NOT NULL,
                attempts    integer NOT NULL,
                duration    double precision NOT NULL,
                error       text,
                finished_at timestamptz NOT NULL,
                PRIMARY KEY (host_id, run_id, seq),
                FOREIGN KEY (host_id, run_id) REFERENCES tend_run ON DELETE CASCADE
            );

            CREATE TABLE tend_plan (
                host_id       text NOT NULL REFERENCES tend_host ON DELETE CASCADE,
                plan_id       bigint NOT NULL,                  -- the outbox entry's id in the host's local state
                planned_at    timestamptz NOT NULL,
                config_path   text NOT NULL,
                pending       jsonb NOT NULL,
                pending_count integer NOT NULL,
                PRIMARY KEY (host_id, plan_id)
            );
            """),
    ]

    /// Brings the database to `version`, or refuses one that is newer. Cheap when current: one read.
    static func prepare(_ connection: PostgresConnection) throws(ReportError) {
        if let found = try currentVersion(connection), found >= version {
            guard found == version else {
                throw ReportError.newerServerSchema(url: connection.url.redacted, found: found, supported: version)
            }
            return
        }
        try connection.script("BEGIN", what: "begin the schema migration")
        do throws(ReportError) {
            // Hosts reporting for the first time at once: one migrates, the others wait here and then find it done.
            try connection.query("SELECT pg_advisory_xact_lock(7393102)", what: "lock the schema migration")
            try connection.script("CREATE TABLE IF NOT EXISTS tend_schema_version (version integer NOT NULL)",
                                  what: "create the schema version table")
            let found = try currentVersion(connection) ?? 0
            if found > version {
                throw ReportError.newerServerSchema(url: connection.url.redacted, found: found, supported: version)
            }
            for migration in migrations where migration.version > found {
                try connection.script(migration.sql, what: "migrate the fleet schema to version \(migration.version)")
            }
            try connection.query("DELETE FROM tend_schema_version", what: "record the schema version")
            try connection.query("INSERT INTO tend_schema_version (version) VALUES ($1)", [String(version)],
                                 what: "record the schema version")
            try connection.script("COMMIT", what: "commit the schema migration")
        } catch {
            _ = try? connection.script("ROLLBACK", what: "roll back the schema migration")
            throw error
        }
    }

    /// The recorded version; nil when the version table does not exist yet.
    private static func currentVersion(_ connection: PostgresConnection) throws(ReportError) -> Int? {
        let exists = try connection.query("SELECT to_regclass('tend_schema_version') IS NOT NULL", what: "read the schema version")
        guard exists.first?.first == "t" else { return nil }
        let rows = try connection.query("SELECT max(version) FROM tend_schema_version", what: "read the schema version")
        return rows.first?.first.flatMap { $0 }.flatMap { Int($0) } ?? 0
    }
}
