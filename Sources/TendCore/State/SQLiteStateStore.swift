import Foundation
internal import GRDB

/// The state in one SQLite file through GRDB: created with mode 0600 in a 0700 directory, WAL journal, foreign
/// keys on, a busy timeout for a second reader. Every method is one database transaction. Parameters, outputs
/// and commands are stored as compact JSON text; dates as seconds since 1970.
public final class SQLiteStateStore: StateStore {
    /// The state file.
    public let path: String
    /// `<state dir>/backups`, created with mode 0700.
    public let backupDirectory: String
    private let database: DatabaseQueue

    /// How long a call waits for another process's write to finish before it fails.
    public static let busyTimeout: Double = 5

    /// Opens the state at `path`, creating it (and its directory) on first use, and migrates it to
    /// `schemaVersion`. Throws `newerSchema` for a state written by a newer tend, `corrupt` for a file that is
    /// not a SQLite database or is empty (a state is never empty: an empty one was truncated, and starting
    /// anew would forget what tend manages), and `cannotOpen` otherwise, a symbolic link included.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent.isEmpty
            ? "." : (path as NSString).deletingLastPathComponent
        backupDirectory = directory + "/backups"
        try Self.createPrivateDirectory(directory, statePath: path)
        var existing = stat()
        if lstat(path, &existing) != 0 && errno == ENOENT { try Self.createFresh(path) }
        try Self.checkPrivateFile(path)

        do {
            database = try DatabaseQueue(path: path, configuration: Self.configuration())
        } catch {
            throw Self.openError(error, path: path)
        }
        do {
            let migrator = Self.migrator
            let (found, superseded) = try database.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0, try migrator.hasBeenSuperseded(db))
            }
            guard found <= Self.schemaVersion, !superseded else {
                throw StateError.newerSchema(path: path, found: max(found, Self.schemaVersion + 1),
                                             supported: Self.schemaVersion)
            }
            try migrator.migrate(database)
        } catch let error as StateError {
            throw error
        } catch {
            throw Self.openError(error, path: path)
        }
        // SQLite gives -wal and -shm the main file's mode, but a file made by hand may have had a looser one.
        for file in [path, path + "-wal", path + "-shm"] { Self.tightenMode(of: file) }
        try Self.createPrivateDirectory(backupDirectory, statePath: path)
    }

    /// Where the state lives when `--state` is not given: `$TEND_STATE`, else `$XDG_STATE_HOME/tend/state.db`
    /// (an absolute XDG_STATE_HOME only, as the XDG spec says), else `~/.local/state/tend/state.db`.
    public static func defaultPath(environment: [String: String], home: String) -> String {
        if let explicit = environment["TEND_STATE"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return (xdg.hasSuffix("/") ? String(xdg.dropLast()) : xdg) + "/tend/state.db"
        }
        return (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.local/state/tend/state.db"
    }

    // MARK: Managed resources

    public func managedResources() throws -> [ManagedResource] {
        try read("read the managed resources") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM managed_resource ORDER BY address_type, address_key")
                .map(self.managedResource(from:))
        }
    }

    public func managedResource(_ address: Address) throws -> ManagedResource? {
        try read("read \(address)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM managed_resource WHERE address_type = ? AND address_key = ?",
                             arguments: [address.type, address.key])
                .map(self.managedResource(from:))
        }
    }

    public func saveManagedResource(_ resource: ManagedResource) throws {
        try write("save \(resource.address)") { db in try Self.upsert(resource, in: db) }
    }

    public func forget(_ address: Address) throws {
        try write("forget \(address)") { db in
            try db.execute(sql: "DELETE FROM managed_resource WHERE address_type = ? AND address_key = ?",
                           arguments: [address.type, address.key])
            guard db.changesCount > 0 else { throw StateError.unknownResource(address.description) }
        }
    }

    private static func upsert(_ resource: ManagedResource, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO managed_resource
                (address_type, address_key, type, parameters, outputs, created_by_tend, config_paths, updated_at,
                 written_digest, written_run, keep, depends_on)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (address_type, address_key) DO UPDATE SET
                type = excluded.type, parameters = excluded.parameters, outputs = excluded.outputs,
                created_by_tend = excluded.created_by_tend, config_paths = excluded.config_paths,
                updated_at = excluded.updated_at, written_digest = excluded.written_digest,
                written_run = excluded.written_run, keep = excluded.keep, depends_on = excluded.depends_on
            """, arguments: [
                resource.address.type, resource.address.key, resource.type,
                Value.map(resource.parameters).json.compact, Value.map(resource.outputs).json.compact,
                resource.createdByTend, JSON.array(resource.configPaths.map(JSON.string)).compact,
                resource.updatedAt.timeIntervalSince1970, resource.written, resource.writtenRun, resource.keep,
                JSON.array(resource.dependsOn.map { JSON.string($0.description) }).compact,
            ])
    }

    private func managedResource(from row: Row) throws -> ManagedResource {
        let address = Address(type: try row.decode(String.self, forColumn: "address_type"),
                              key: try row.decode(String.self, forColumn: "address_key"))
        let what = "the record of \(address)"
        let configPaths = try parseJSON(row, "config_paths", what: what)
        guard let paths = configPaths.arrayValue?.compactMap(\.stringValue),
              paths.count == configPaths.arrayValue?.count else {
            throw StateError.corrupt(path: path, reason: "\(what): config_paths is not a list of strings")
        }
        let dependencies = try parseJSON(row, "depends_on", what: what).arrayValue ?? []
        // Stored addresses are already in address form: split at the first colon, no normalising.
        let dependsOn = dependencies.compactMap { json -> Address? in
            guard let text = json.stringValue, let colon = text.firstIndex(of: ":") else { return nil }
            return Address(type: String(text[..<colon]), key: String(text[text.index(after: colon)...]))
        }
        guard dependsOn.count == dependencies.count else {
            throw StateError.corrupt(path: path, reason: "\(what): depends_on is not a list of addresses")
        }
        return ManagedResource(
            address: address, type: try row.decode(String.self, forColumn: "type"),
            parameters: try parseMap(row, "parameters", what: what), outputs: try parseMap(row, "outputs", what: what),
            createdByTend: try row.decode(Bool.self, forColumn: "created_by_tend"), configPaths: paths,
            updatedAt: Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: "updated_at")),
            written: try row.decode(String?.self, forColumn: "written_digest"),
            writtenRun: try row.decode(Int64?.self, forColumn: "written_run"),
            keep: try row.decode(Bool.self, forColumn: "keep"), dependsOn: dependsOn)
    }

    // MARK: Backups

    public func addBackup(_ backup: Backup) throws -> Backup {
        try write("record a backup of \(backup.path)") { db in
            try db.execute(sql: """
                INSERT INTO backup (address_type, address_key, path, kind, blob_path, digest, mode, uid, gid,
                                    link_target, created_at, run_id, size, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    backup.address.type, backup.address.key, backup.path, backup.kind.rawValue, backup.blobPath,
                    backup.digest, backup.mode, Int64(backup.uid), Int64(backup.gid), backup.linkTarget,
                    backup.createdAt.timeIntervalSince1970, backup.runID, backup.size, backup.reason.rawValue,
                ])
            var stored = backup
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func backups(for address: Address) throws -> [Backup] {
        try read("read the backups of \(address)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM backup WHERE address_type = ? AND address_key = ? ORDER BY id",
                             arguments: [address.type, address.key]).map(self.backup(from:))
        }
    }

    public func allBackups() throws -> [Backup] {
        try read("read the backups") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM backup ORDER BY id").map(self.backup(from:))
        }
    }

    public func backup(id: Int64) throws -> Backup? {
        try read("read backup \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM backup WHERE id = ?", arguments: [id]).map(self.backup(from:))
        }
    }

    public func removeBackup(id: Int64) throws {
        let removed = try write("remove backup \(id)") { db -> Backup? in
            let backup = try Row.fetchOne(db, sql: "SELECT * FROM backup WHERE id = ?", arguments: [id])
                .map(self.backup(from:))
            try db.execute(sql: "DELETE FROM backup WHERE id = ?", arguments: [id])
            return backup
        }
        removed?.removeBlob(under: backupDirectory)
    }

    private func backup(from row: Row) throws -> Backup {
        let kindText = try row.decode(String.self, forColumn: "kind")
        let reasonText = try row.decode(String.self, forColumn: "reason")
        guard let kind = Backup.Kind(rawValue: kindText), let reason = Backup.Reason(rawValue: reasonText) else {
            throw StateError.corrupt(path: path, reason: "backup has an unknown kind '\(kindText)' or reason '\(reasonText)'")
        }
        return Backup(
            id: try row.decode(Int64.self, forColumn: "id"),
            address: Address(type: try row.decode(String.self, forColumn: "address_type"),
                             key: try row.decode(String.self, forColumn: "address_key")),
            path: try row.decode(String.self, forColumn: "path"), kind: kind,
            blobPath: try row.decode(String?.self, forColumn: "blob_path"),
            digest: try row.decode(String?.self, forColumn: "digest"),
            mode: try row.decode(Int.self, forColumn: "mode"),
            uid: UInt32(truncatingIfNeeded: try row.decode(Int64.self, forColumn: "uid")),
            gid: UInt32(truncatingIfNeeded: try row.decode(Int64.self, forColumn: "gid")),
            linkTarget: try row.decode(String?.self, forColumn: "link_target"),
            createdAt: Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: "created_at")),
            runID: try row.decode(Int64?.self, forColumn: "run_id"), size: try row.decode(Int.self, forColumn: "size"),
            reason: reason)
    }

    // MARK: Runs and reports

    public func beginRun(kind: RunRecord.Kind, configPath: String, configDigest: String, pid: Int32,
                         hostname: String) throws -> RunRecord {
        let startedAt = Self.now()
        return try write("record the start of a run") { db in
            try db.execute(sql: """
                INSERT INTO run (kind, status, started_at, config_path, config_digest, pid, hostname)
                VALUES (?, 'running', ?, ?, ?, ?, ?)
                """, arguments: [kind.rawValue, startedAt.timeIntervalSince1970, configPath, configDigest, pid, hostname])
            return RunRecord(id: db.lastInsertedRowID, kind: kind, status: .running, startedAt: startedAt, endedAt: nil,
                             configPath: configPath, configDigest: configDigest, pid: pid, hostname: hostname)
        }
    }

    public func finishRun(id: Int64, status: RunRecord.Status) throws {
        try write("record the end of run \(id)") { db in
            try db.execute(sql: "UPDATE run SET status = ?, ended_at = ? WHERE id = ?",
                           arguments: [status.rawValue, Self.now().timeIntervalSince1970, id])
            guard db.changesCount > 0 else { throw StateError.unknownRun(id) }
        }
    }

    public func runs(limit: Int) throws -> [RunRecord] {
        try markInterruptedRuns()
        return try read("read the runs") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT ?", arguments: [limit > 0 ? limit : -1])
                .map(self.run(from:))
        }
    }

    public func run(id: Int64) throws -> RunRecord? {
        try markInterruptedRuns()
        return try read("read run \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(self.run(from:))
        }
    }

    /// Records as interrupted the runs still marked running whose process is gone. Reads first, so that the
    /// common case (nothing to mark) takes no write lock while an apply is busy.
    private func markInterruptedRuns() throws {
        let running = try read("read the running runs") { db in
            try Row.fetchAll(db, sql: "SELECT id, pid, hostname FROM run WHERE status = 'running'").map { row in
                (try row.decode(Int64.self, forColumn: "id"), try row.decode(Int32.self, forColumn: "pid"),
                 try row.decode(String.self, forColumn: "hostname"))
            }
        }
        let gone = running.filter { LocalProcess.isGone(pid: $0.1, hostname: $0.2) }.map(\.0)
        guard !gone.isEmpty else { return }
        try write("record interrupted runs") { db in
            for id in gone {
                try db.execute(sql: "UPDATE run SET status = 'interrupted' WHERE id = ? AND status = 'running'",
                               arguments: [id])
            }
        }
    }

    private func run(from row: Row) throws -> RunRecord {
        let id = try row.decode(Int64.self, forColumn: "id")
        let kindText = try row.decode(String.self, forColumn: "kind")
        let statusText = try row.decode(String.self, forColumn: "status")
        guard let kind = RunRecord.Kind(rawValue: kindText), let status = RunRecord.Status(rawValue: statusText) else {
            throw StateError.corrupt(path: path, reason: "run \(id) has an unknown kind '\(kindText)' or status '\(statusText)'")
        }
        return RunRecord(
            id: id, kind: kind, status: status,
            startedAt: Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: "started_at")),
            endedAt: try row.decode(Double?.self, forColumn: "ended_at").map(Date.init(timeIntervalSince1970:)),
            configPath: try row.decode(String.self, forColumn: "config_path"),
            configDigest: try row.decode(String.self, forColumn: "config_digest"),
            pid: try row.decode(Int32.self, forColumn: "pid"),
            hostname: try row.decode(String.self, forColumn: "hostname"))
    }

    public func reports(runID: Int64) throws -> [OperationReport] {
        try read("read the reports of run \(runID)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM report WHERE run_id = ? ORDER BY id", arguments: [runID])
                .map(self.report(from:))
        }
    }

    public func recordReport(_ report: OperationReport) throws {
        try write("record the report of \(report.address)") { db in try self.insert(report, in: db) }
    }

    private func insert(_ report: OperationReport, in db: Database) throws {
        try requireRun(report.runID, in: db)
        try db.execute(sql: """
            INSERT INTO report (run_id, address_type, address_key, operation, status, attempts, duration, commands,
                                outputs, error, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                report.runID, report.address.type, report.address.key, report.operation.rawValue,
                report.status.rawValue, report.attempts, report.duration,
                JSON.array(report.commands.map(\.json)).compact, Value.map(report.outputs).json.compact, report.error,
                report.finishedAt.timeIntervalSince1970,
            ])
    }

    private func report(from row: Row) throws -> OperationReport {
        let id = try row.decode(Int64.self, forColumn: "id")
        let operationText = try row.decode(String.self, forColumn: "operation")
        let statusText = try row.decode(String.self, forColumn: "status")
        guard let operation = ResourceOperation(rawValue: operationText),
              let status = OperationReport.Status(rawValue: statusText) else {
            throw StateError.corrupt(path: path, reason: "report \(id) has an unknown operation '\(operationText)' or status '\(statusText)'")
        }
        let what = "report \(id)"
        guard let commandsJSON = try parseJSON(row, "commands", what: what).arrayValue else {
            throw StateError.corrupt(path: path, reason: "\(what): commands is not a list")
        }
        let commands = try commandsJSON.map { json in
            guard let command = CommandRecord(json: json) else {
                throw StateError.corrupt(path: path, reason: "\(what): a command is not {arguments, status, duration, outputTail}")
            }
            return command
        }
        return OperationReport(
            runID: try row.decode(Int64.self, forColumn: "run_id"),
            address: Address(type: try row.decode(String.self, forColumn: "address_type"),
                             key: try row.decode(String.self, forColumn: "address_key")),
            operation: operation, status: status, attempts: try row.decode(Int.self, forColumn: "attempts"),
            duration: try row.decode(Double.self, forColumn: "duration"), commands: commands,
            outputs: try parseMap(row, "outputs", what: what), error: try row.decode(String?.self, forColumn: "error"),
            finishedAt: Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: "finished_at")))
    }

    private func requireRun(_ id: Int64, in db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM run WHERE id = ?)", arguments: [id]) == true else {
            throw StateError.unknownRun(id)
        }
    }

    // MARK: Transactions

    public func beginTransaction(runID: Int64, address: Address, type: String, operation: ResourceOperation,
                                 change: String) throws -> TransactionRecord {
        let startedAt = Self.now()
        return try write("begin the change of \(address)") { db in
            try requireRun(runID, in: db)
            var token = TransactionRecord.makeToken()
            while try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM pending_transaction WHERE token = ?)",
                                    arguments: [token]) == true {
                token = TransactionRecord.makeToken()
            }
            let configPath = try String.fetchOne(db, sql: "SELECT config_path FROM run WHERE id = ?", arguments: [runID])
            let record = TransactionRecord(token: token, runID: runID, address: address, type: type,
                                           operation: operation, change: change, status: .open, startedAt: startedAt,
                                           configPath: configPath)
            try db.execute(sql: """
                INSERT INTO pending_transaction (token, run_id, address_type, address_key, type, operation, change,
                                                 status, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
                """, arguments: [token, runID, address.type, address.key, type, operation.rawValue, change,
                                 startedAt.timeIntervalSince1970])
            return record
        }
    }

    public func completeTransaction(token: String, report: OperationReport, managed: ManagedResource?,
                                    removeManaged: Bool) throws {
        try write("complete the change of \(report.address)") { db in
            try db.execute(sql: "DELETE FROM pending_transaction WHERE token = ?", arguments: [token])
            guard db.changesCount > 0 else { throw StateError.unknownTransaction(token) }
            try db.execute(sql: """
                DELETE FROM pending_transaction WHERE address_type = ? AND address_key = ? AND status = 'failed'
                """, arguments: [report.address.type, report.address.key])
            try insert(report, in: db)
            if let managed {
                try Self.upsert(managed, in: db)
            } else if removeManaged {
                try db.execute(sql: "DELETE FROM managed_resource WHERE address_type = ? AND address_key = ?",
                               arguments: [report.address.type, report.address.key])
            }
        }
    }

    public func failTransaction(token: String, report: OperationReport) throws {
        try write("record the failure of \(report.address)") { db in
            try db.execute(sql: "UPDATE pending_transaction SET status = 'failed', error = ? WHERE token = ?",
                           arguments: [report.error, token])
            guard db.changesCount > 0 else { throw StateError.unknownTransaction(token) }
            try insert(report, in: db)
        }
    }

    public func pendingTransactions() throws -> [TransactionRecord] {
        try read("read the pending changes") { db in
            try Row.fetchAll(db, sql: """
                SELECT pending_transaction.*, run.config_path AS run_config_path FROM pending_transaction
                LEFT JOIN run ON run.id = pending_transaction.run_id
                ORDER BY pending_transaction.started_at, pending_transaction.rowid
                """)
                .map(self.transaction(from:))
        }
    }

    public func closeTransaction(token: String) throws {
        try write("close change \(token)") { db in
            try db.execute(sql: "DELETE FROM pending_transaction WHERE token = ?", arguments: [token])
            guard db.changesCount > 0 else { throw StateError.unknownTransaction(token) }
        }
    }

    private func transaction(from row: Row) throws -> TransactionRecord {
        let token = try row.decode(String.self, forColumn: "token")
        let operationText = try row.decode(String.self, forColumn: "operation")
        let statusText = try row.decode(String.self, forColumn: "status")
        guard let operation = ResourceOperation(rawValue: operationText),
              let status = TransactionRecord.Status(rawValue: statusText) else {
            throw StateError.corrupt(path: path, reason: "change \(token) has an unknown operation '\(operationText)' or status '\(statusText)'")
        }
        return TransactionRecord(
            token: token, runID: try row.decode(Int64.self, forColumn: "run_id"),
            address: Address(type: try row.decode(String.self, forColumn: "address_type"),
                             key: try row.decode(String.self, forColumn: "address_key")),
            type: try row.decode(String.self, forColumn: "type"), operation: operation,
            change: try row.decode(String.self, forColumn: "change"), status: status,
            error: try row.decode(String?.self, forColumn: "error"),
            startedAt: Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: "started_at")),
            configPath: try row.decode(String?.self, forColumn: "run_config_path"))
    }

    /// The current time as it reads back from the file: dates are stored as seconds since 1970, and a date
    /// that already went through that conversion survives it unchanged, so a returned record equals the stored one.
    static func now() -> Date {
        Date(timeIntervalSince1970: Date().timeIntervalSince1970)
    }

    // MARK: Database access

    func read<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw wrap(error, operation: operation)
        }
    }

    func write<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch {
            throw wrap(error, operation: operation)
        }
    }

    private func wrap(_ error: any Error, operation: String) -> StateError {
        if let error = error as? StateError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return .corrupt(path: path, reason: error.message ?? "\(error)")
            default:
                return .failed(path: path, operation: operation, reason: error.message ?? "\(error)")
            }
        }
        // RowDecodingError and friends: a value of the wrong kind in a column.
        return .corrupt(path: path, reason: "while trying to \(operation): \(error)")
    }

    private func parseJSON(_ row: Row, _ column: String, what: String) throws -> JSON {
        let text = try row.decode(String.self, forColumn: column)
        do {
            return try JSON.parse(text)
        } catch {
            throw StateError.corrupt(path: path, reason: "\(what): \(column) is not valid JSON (\(error))")
        }
    }

    private func parseMap(_ row: Row, _ column: String, what: String) throws -> [String: Value] {
        guard let map = Value(json: try parseJSON(row, column, what: what)).mapValue else {
            throw StateError.corrupt(path: path, reason: "\(what): \(column) is not a JSON object")
        }
        return map
    }

    // MARK: Integrity

    /// How many problems `PRAGMA quick_check` lists at most; the first few say enough.
    static let integrityProblemLimit = 5

    public func checkIntegrity() throws {
        let hint = "; tend writes nothing into a damaged state: restore the file from a backup, or move it aside to "
            + "start a new state"
        let problems: [String]
        do {
            problems = try read("check the state for damage") { db in
                try String.fetchAll(db, sql: "PRAGMA quick_check(\(Self.integrityProblemLimit))")
            }
        } catch StateError.corrupt(_, let reason) {
            // A page too damaged for the check itself to read.
            throw StateError.corrupt(path: path, reason: "SQLite's integrity check failed: " + reason + hint)
        }
        guard problems != ["ok"] else { return }
        throw StateError.corrupt(path: path, reason: "SQLite's integrity check found: "
                                 + problems.joined(separator: "; ") + hint)
    }

    // MARK: Files

    /// Opens the state's directory by handle, making what is missing 0700 and tend's own; a link on the way is
    /// followed only when no other user could have made it.
    private static func createPrivateDirectory(_ directory: String, statePath: String) throws {
        do {
            _ = try DirectoryHandle.open(workingAbsolute(directory), creatingMode: 0o700, inheritingOwner: false)
        } catch let error as FileAccessError {
            throw StateError.cannotOpen(path: statePath, reason: error.description)
        }
    }

    /// A relative state path (`--state state.db`) is the working directory's.
    static func workingAbsolute(_ path: String) -> String {
        PathNormalizer.standardize(path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "tend.state"
        return configuration
    }

    /// Makes a new state, migrated, at a temporary name (mode 0600 before SQLite sees it: SQLite would use the
    /// umask's) and links it into place, so that a kill at any moment leaves no state or a whole one, never an
    /// empty file, which reads as a truncated state. When another tend got there first, its state is kept.
    private static func createFresh(_ path: String) throws {
        let temporary = path + ".new-\(getpid())-\(TransactionRecord.makeToken())"
        let fd = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw StateError.cannotOpen(path: path, reason: "could not create \(temporary): \(String(cString: strerror(errno)))")
        }
        close(fd)
        defer { for file in [temporary, temporary + "-wal", temporary + "-shm"] { unlink(file) } }
        do {
            let queue = try DatabaseQueue(path: temporary, configuration: configuration())
            try migrator.migrate(queue)
            // Closing the only connection folds the WAL into the file, so the file alone is the whole state.
            try queue.close()
        } catch {
            throw openError(error, path: path)
        }
        guard link(temporary, path) == 0 || errno == EEXIST else {
            throw StateError.cannotOpen(path: path, reason: "could not put the new state in place: \(String(cString: strerror(errno)))")
        }
    }

    /// Checks the state file before SQLite opens it: never through a symbolic link (for the file, its -wal or
    /// its -shm, which SQLite would follow), a regular file, private, and not empty (only a truncation makes
    /// an empty state, since a new one is put in place whole).
    private static func checkPrivateFile(_ path: String) throws {
        for companion in [path + "-wal", path + "-shm"] {
            var info = stat()
            if lstat(companion, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                throw StateError.cannotOpen(path: path, reason: "\(companion) is a symbolic link, which tend does not follow; remove it")
            }
        }
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP {
                throw StateError.cannotOpen(path: path, reason: "it is a symbolic link, which tend does not follow; "
                                            + "pass the real file with --state or TEND_STATE")
            }
            throw StateError.cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw StateError.cannotOpen(path: path, reason: "it is not a regular file")
        }
        if info.st_mode & 0o077 != 0 { fchmod(fd, 0o600) }
        if info.st_size == 0 {
            throw StateError.corrupt(path: path, reason: "the file is empty (0 bytes), so what tend managed is lost from "
                                     + "it; restore it from a backup, or delete it to start a new state")
        }
    }

    /// Removes group and other permissions from `file` when it exists, through a handle that did not follow a link.
    private static func tightenMode(of file: String) {
        let fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 != 0 else { return }
        fchmod(fd, 0o600)
    }

    private static func openError(_ error: any Error, path: String) -> StateError {
        if let error = error as? StateError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return .corrupt(path: path, reason: error.message ?? "\(error)")
            default:
                return .cannotOpen(path: path, reason: error.message ?? "\(error)")
            }
        }
        return .cannotOpen(path: path, reason: "\(error)")
    }

    // MARK: Testing

    /// Runs SQL outside the store's API (for tests that damage or inspect the file).
    func executeForTesting(_ sql: String) throws {
        try database.writeWithoutTransaction { try $0.execute(sql: sql) }
    }

    /// Makes a state file as an older tend left it: migrated up to `migration` only, then `sql` run on it (for
    /// tests of the migrations that follow).
    static func makeOlderStateForTesting(path: String, upTo migration: String, sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: migration)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
    }

    /// The first column of the first row of a query, as text (for tests: `PRAGMA journal_mode`).
    func textForTesting(_ sql: String) throws -> String? {
        try database.read { try String.fetchOne($0, sql: sql) }
    }
}

extension CommandRecord {
    /// The command as stored in a report.
    var json: JSON {
        .object([
            ("arguments", .array(arguments.map(JSON.string))),
            ("status", .int(Int(status))),
            ("duration", .double(duration)),
            ("outputTail", .string(outputTail)),
        ])
    }

    init?(json: JSON) {
        guard let arguments = json["arguments"]?.arrayValue?.compactMap(\.stringValue),
              arguments.count == json["arguments"]?.arrayValue?.count,
              let status = json["status"]?.intValue.flatMap(Int32.init(exactly:)),
              let outputTail = json["outputTail"]?.stringValue else { return nil }
        switch json["duration"] {
        case .int(let whole)?: duration = Double(whole)
        case .double(let fraction)?: duration = fraction
        default: return nil
        }
        self.arguments = arguments
        self.status = status
        self.outputTail = outputTail
    }
}
