internal import GRDB

extension SQLiteStateStore {
    /// The newest schema this tend reads and writes; `PRAGMA user_version` holds the version of a state file.
    public static let schemaVersion = 3

    /// One migration per schema version, applied in order; each ends by setting `user_version` to its number.
    /// Never edit a released migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE managed_resource (
                    address_type    TEXT NOT NULL,
                    address_key     TEXT NOT NULL,
                    type            TEXT NOT NULL,
                    parameters      TEXT NOT NULL,   -- JSON object; sensitive values as sha256: digests
                    outputs         TEXT NOT NULL,   -- JSON object
                    created_by_tend INTEGER NOT NULL CHECK (created_by_tend IN (0, 1)),
                    config_paths    TEXT NOT NULL,   -- JSON array of absolute paths
                    updated_at      REAL NOT NULL,   -- seconds since 1970
                    PRIMARY KEY (address_type, address_key)
                ) WITHOUT ROWID;

                CREATE TABLE backup (
                    id           INTEGER PRIMARY KEY AUTOINCREMENT,
                    address_type TEXT NOT NULL,
                    address_key  TEXT NOT NULL,
                    path         TEXT NOT NULL,
                    kind         TEXT NOT NULL CHECK (kind IN ('file', 'directory', 'symlink')),
                    blob_path    TEXT,
                    digest       TEXT,
                    mode         INTEGER NOT NULL,
                    uid          INTEGER NOT NULL,
                    gid          INTEGER NOT NULL,
                    link_target  TEXT,
                    created_at   REAL NOT NULL
                );
                CREATE INDEX backup_by_address ON backup (address_type, address_key);

                CREATE TABLE run (
                    id            INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind          TEXT NOT NULL,
                    status        TEXT NOT NULL,
                    started_at    REAL NOT NULL,
                    ended_at      REAL,
                    config_path   TEXT NOT NULL,
                    config_digest TEXT NOT NULL,
                    pid           INTEGER NOT NULL,
                    hostname      TEXT NOT NULL
                );
                CREATE INDEX run_running ON run (status) WHERE status = 'running';

                CREATE TABLE report (
                    id           INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id       INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
                    address_type TEXT NOT NULL,
                    address_key  TEXT NOT NULL,
                    operation    TEXT NOT NULL,
                    status       TEXT NOT NULL,
                    attempts     INTEGER NOT NULL,
                    duration     REAL NOT NULL,
                    commands     TEXT NOT NULL,   -- JSON array of {arguments, status, duration, outputTail}
                    outputs      TEXT NOT NULL,   -- JSON object
                    error        TEXT,
                    finished_at  REAL NOT NULL
                );
                CREATE INDEX report_by_run ON report (run_id);

                CREATE TABLE pending_transaction (
                    token        TEXT PRIMARY KEY NOT NULL,
                    run_id       INTEGER NOT NULL REFERENCES run (id),
                    address_type TEXT NOT NULL,
                    address_key  TEXT NOT NULL,
                    type         TEXT NOT NULL,
                    operation    TEXT NOT NULL,
                    change       TEXT NOT NULL,   -- the change as saved-plan JSON
                    status       TEXT NOT NULL CHECK (status IN ('open', 'failed')),
                    error        TEXT,
                    started_at   REAL NOT NULL
                );

                PRAGMA user_version = 1;
                """)
        }
        // Rule 1 ("never lose a byte") needs what tend last wrote per resource; `tend backups` needs each
        // backup's run, size and reason; `keep` and recorded dependencies order and guard what leaves the
        // config. SQLite cannot widen a CHECK in place, so the backup table is rebuilt.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                ALTER TABLE managed_resource ADD COLUMN written_digest TEXT;
                ALTER TABLE managed_resource ADD COLUMN written_run INTEGER;
                ALTER TABLE managed_resource ADD COLUMN keep INTEGER NOT NULL DEFAULT 0 CHECK (keep IN (0, 1));
                ALTER TABLE managed_resource ADD COLUMN depends_on TEXT NOT NULL DEFAULT '[]';  -- JSON array of addresses
                -- Keys recorded before keep existed are kept, as every ssh key is by default now.
                UPDATE managed_resource SET keep = 1 WHERE type = 'ssh-key';

                CREATE TABLE backup_v2 (
                    id           INTEGER PRIMARY KEY AUTOINCREMENT,
                    address_type TEXT NOT NULL,
                    address_key  TEXT NOT NULL,
                    path         TEXT NOT NULL,
                    kind         TEXT NOT NULL CHECK (kind IN ('file', 'directory', 'symlink', 'value')),
                    blob_path    TEXT,
                    digest       TEXT,
                    mode         INTEGER NOT NULL,
                    uid          INTEGER NOT NULL,
                    gid          INTEGER NOT NULL,
                    link_target  TEXT,
                    created_at   REAL NOT NULL,
                    run_id       INTEGER,
                    size         INTEGER NOT NULL DEFAULT 0,
                    reason       TEXT NOT NULL DEFAULT 'original'
                );
                INSERT INTO backup_v2 (id, address_type, address_key, path, kind, blob_path, digest, mode, uid, gid,
                                       link_target, created_at, size)
                    SELECT id, address_type, address_key, path, kind, blob_path, digest, mode, uid, gid, link_target,
                           created_at, COALESCE(length(link_target), 0)
                    FROM backup;
                DROP TABLE backup;
                ALTER TABLE backup_v2 RENAME TO backup;
                CREATE INDEX backup_by_address ON backup (address_type, address_key);

                PRAGMA user_version = 2;
                """)
        }
        // Fleet reporting (report_to): what a run or plan tells PostgreSQL waits in an outbox written in the same
        // transaction as the run's record, so an offline host loses nothing; the host id names this state in the
        // fleet, stable across hostname changes.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE report_outbox (
                    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: part of the server's key for plans
                    kind       TEXT NOT NULL CHECK (kind IN ('run', 'plan')),
                    local_id   INTEGER NOT NULL,                   -- the run id, or this row's id for a plan
                    payload    TEXT NOT NULL,                      -- JSON object
                    created_at REAL NOT NULL
                );

                CREATE TABLE host_identity (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    id        TEXT NOT NULL
                );
                INSERT INTO host_identity (singleton, id) VALUES (1, lower(hex(randomblob(16))));

                PRAGMA user_version = 3;
                """)
        }
        return migrator
    }
}
