import Foundation

/// The state in dictionaries behind a lock, for unit tests: it keeps nothing across processes but behaves as
/// `SQLiteStateStore` does (same ordering, same errors, same interrupted-run detection).
public final class InMemoryStateStore: StateStore, @unchecked Sendable {
    private struct Contents {
        var managed: [Address: ManagedResource] = [:]
        var backups: [Int64: Backup] = [:]
        var runs: [Int64: RunRecord] = [:]
        var reports: [(id: Int64, report: OperationReport)] = []
        var transactions: [String: (sequence: Int64, record: TransactionRecord)] = [:]
        var lastBackupID: Int64 = 0
        var lastRunID: Int64 = 0
        var lastSequence: Int64 = 0
    }

    public let backupDirectory: String
    private let lock = NSLock()
    private var contents = Contents()

    /// `backupDirectory` is where callers put blobs; it is not created here.
    public init(backupDirectory: String = NSTemporaryDirectory() + "tend-in-memory-state/backups") {
        self.backupDirectory = backupDirectory
    }

    private func withContents<T>(_ body: (inout Contents) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        // Work on a copy so that a call that throws half-way changes nothing, like a rolled-back transaction.
        var copy = contents
        let result = try body(&copy)
        contents = copy
        return result
    }

    // MARK: Managed resources

    public func managedResources() throws -> [ManagedResource] {
        withContents { $0.managed.values.sorted { $0.address < $1.address } }
    }

    public func managedResource(_ address: Address) throws -> ManagedResource? {
        withContents { $0.managed[address] }
    }

    public func saveManagedResource(_ resource: ManagedResource) throws {
        withContents { $0.managed[resource.address] = resource }
    }

    public func forget(_ address: Address) throws {
        try withContents { contents in
            guard contents.managed.removeValue(forKey: address) != nil else {
                throw StateError.unknownResource(address.description)
            }
        }
    }

    // MARK: Backups

    public func addBackup(_ backup: Backup) throws -> Backup {
        withContents { contents in
            contents.lastBackupID += 1
            var stored = backup
            stored.id = contents.lastBackupID
            contents.backups[contents.lastBackupID] = stored
            return stored
        }
    }

    public func backups(for address: Address) throws -> [Backup] {
        withContents { $0.backups.values.filter { $0.address == address }.sorted { $0.id! < $1.id! } }
    }

    public func allBackups() throws -> [Backup] {
        withContents { $0.backups.values.sorted { $0.id! < $1.id! } }
    }

    public func backup(id: Int64) throws -> Backup? {
        withContents { $0.backups[id] }
    }

    public func removeBackup(id: Int64) throws {
        let removed = withContents { $0.backups.removeValue(forKey: id) }
        removed?.removeBlob(under: backupDirectory)
    }

    // MARK: Runs and reports

    public func beginRun(kind: RunRecord.Kind, configPath: String, configDigest: String, pid: Int32,
                         hostname: String) throws -> RunRecord {
        withContents { contents in
            contents.lastRunID += 1
            let run = RunRecord(id: contents.lastRunID, kind: kind, status: .running, startedAt: Date(), endedAt: nil,
                                configPath: configPath, configDigest: configDigest, pid: pid, hostname: hostname)
            contents.runs[run.id] = run
            return run
        }
    }

    public func finishRun(id: Int64, status: RunRecord.Status) throws {
        try withContents { contents in
            guard contents.runs[id] != nil else { throw StateError.unknownRun(id) }
            contents.runs[id]!.status = status
            contents.runs[id]!.endedAt = Date()
        }
    }

    public func runs(limit: Int) throws -> [RunRecord] {
        withContents { contents in
            Self.markInterrupted(&contents)
            let newestFirst = contents.runs.values.sorted { $0.id > $1.id }
            return limit > 0 ? Array(newestFirst.prefix(limit)) : newestFirst
        }
    }

    public func run(id: Int64) throws -> RunRecord? {
        withContents { contents in
            Self.markInterrupted(&contents)
            return contents.runs[id]
        }
    }

    private static func markInterrupted(_ contents: inout Contents) {
        for (id, run) in contents.runs where run.status == .running && LocalProcess.isGone(pid: run.pid, hostname: run.hostname) {
            contents.runs[id]!.status = .interrupted
        }
    }

    public func reports(runID: Int64) throws -> [OperationReport] {
        withContents { $0.reports.filter { $0.report.runID == runID }.map(\.report) }
    }

    public func recordReport(_ report: OperationReport) throws {
        try withContents { try Self.appendReport(report, to: &$0) }
    }

    private static func appendReport(_ report: OperationReport, to contents: inout Contents) throws {
        guard contents.runs[report.runID] != nil else { throw StateError.unknownRun(report.runID) }
        let id = (contents.reports.last?.id ?? 0) + 1
        contents.reports.append((id, report))
    }

    // MARK: Transactions

    public func beginTransaction(runID: Int64, address: Address, type: String, operation: ResourceOperation,
                                 change: String) throws -> TransactionRecord {
        try withContents { contents in
            guard contents.runs[runID] != nil else { throw StateError.unknownRun(runID) }
            var token = TransactionRecord.makeToken()
            while contents.transactions[token] != nil { token = TransactionRecord.makeToken() }
            let record = TransactionRecord(token: token, runID: runID, address: address, type: type,
                                           operation: operation, change: change, status: .open,
                                           configPath: contents.runs[runID]?.configPath)
            contents.lastSequence += 1
            contents.transactions[token] = (contents.lastSequence, record)
            return record
        }
    }

    public func completeTransaction(token: String, report: OperationReport, managed: ManagedResource?,
                                    removeManaged: Bool) throws {
        try withContents { contents in
            guard contents.transactions.removeValue(forKey: token) != nil else {
                throw StateError.unknownTransaction(token)
            }
            contents.transactions = contents.transactions.filter {
                !($0.value.record.address == report.address && $0.value.record.status == .failed)
            }
            try Self.appendReport(report, to: &contents)
            if let managed {
                contents.managed[managed.address] = managed
            } else if removeManaged {
                contents.managed[report.address] = nil
            }
        }
    }

    public func failTransaction(token: String, report: OperationReport) throws {
        try withContents { contents in
            guard contents.transactions[token] != nil else { throw StateError.unknownTransaction(token) }
            try Self.appendReport(report, to: &contents)
            contents.transactions[token]!.record.status = .failed
            contents.transactions[token]!.record.error = report.error
        }
    }

    public func pendingTransactions() throws -> [TransactionRecord] {
        withContents { contents in
            contents.transactions.values.sorted {
                ($0.record.startedAt, $0.sequence) < ($1.record.startedAt, $1.sequence)
            }.map { entry in
                var record = entry.record
                record.configPath = contents.runs[record.runID]?.configPath
                return record
            }
        }
    }

    public func closeTransaction(token: String) throws {
        try withContents { contents in
            guard contents.transactions.removeValue(forKey: token) != nil else {
                throw StateError.unknownTransaction(token)
            }
        }
    }
}
