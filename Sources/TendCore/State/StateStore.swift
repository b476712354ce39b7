/// Where tend remembers what it manages, what it ran and what it overwrote. Every method that writes is one
/// transaction: after a crash the store holds the state before or after the call, never a mix.
public protocol StateStore: Sendable {
    // MARK: Managed resources
    func managedResources() throws -> [ManagedResource]
    func managedResource(_ address: Address) throws -> ManagedResource?
    func saveManagedResource(_ resource: ManagedResource) throws
    /// Forgets a resource; `unknownResource` when tend does not manage it. Its backups stay, listed by
    /// `tend backups` until pruned: what tend kept of a user's bytes never goes with a record.
    func forget(_ address: Address) throws

    // MARK: Backups
    /// Records a backup whose blob (for files) is already written under the state directory.
    func addBackup(_ backup: Backup) throws -> Backup
    func backups(for address: Address) throws -> [Backup]
    /// Every backup, oldest first, whatever its resource (those of resources tend no longer manages too).
    func allBackups() throws -> [Backup]
    /// One backup by its id; nil when there is none.
    func backup(id: Int64) throws -> Backup?
    /// Removes a backup's record and its blob (after it was restored); an unknown id is not an error.
    func removeBackup(id: Int64) throws
    /// The directory where backup blobs live.
    var backupDirectory: String { get }

    // MARK: Runs and reports
    func beginRun(kind: RunRecord.Kind, configPath: String, configDigest: String, pid: Int32, hostname: String) throws -> RunRecord
    func finishRun(id: Int64, status: RunRecord.Status) throws
    /// Records the end of a run and, when `drift` is given (reporting is on), puts the run, its reports, the
    /// changes still pending and the failed changes waiting for recover in the outbox, in the same transaction.
    func finishRun(id: Int64, status: RunRecord.Status, drift: [DriftEntry]?) throws
    /// Puts a plan's summary (the pending changes) in the outbox for the fleet; a store without one ignores it.
    func enqueuePlanSummary(configPath: String, hostname: String, drift: [DriftEntry]) throws
    /// Newest first, at most `limit` (all when `limit` <= 0). Runs still marked running whose process is gone
    /// (same host, no such pid) are reported as interrupted, and recorded so.
    func runs(limit: Int) throws -> [RunRecord]
    func run(id: Int64) throws -> RunRecord?
    func reports(runID: Int64) throws -> [OperationReport]
    /// Adds a report that belongs to no transaction (a skipped change, a release).
    func recordReport(_ report: OperationReport) throws

    // MARK: Transactions
    /// Opens a transaction for a change before tend touches the host.
    func beginTransaction(runID: Int64, address: Address, type: String, operation: ResourceOperation,
                          change: String) throws -> TransactionRecord
    /// Closes it as done, in one database transaction with its report and the resource's new record
    /// (nil `managed` removes the record, after a destroy). Earlier failed changes of the same address are
    /// closed with it: the resource has now converged, so nothing waits for `tend recover` any more.
    func completeTransaction(token: String, report: OperationReport, managed: ManagedResource?,
                             removeManaged: Bool) throws
    /// Marks it failed with its report, keeping it for `tend recover`.
    func failTransaction(token: String, report: OperationReport) throws
    /// Open and failed transactions, oldest first, each with the config path of its run.
    func pendingTransactions() throws -> [TransactionRecord]
    /// Removes a transaction (resolved by a retry, marked done, or forgotten).
    func closeTransaction(token: String) throws

    // MARK: Integrity
    /// Checks the whole store for damage (a page of any table, not only what a run reads); throws `corrupt`
    /// naming what is wrong. Every command that writes calls it first, so damage is never written over.
    func checkIntegrity() throws
}

extension StateStore {
    /// A store with nothing on disk cannot be damaged.
    public func checkIntegrity() throws {}
}

/// Why the state could not be used.
public enum StateError: Error, Sendable, CustomStringConvertible {
    case newerSchema(path: String, found: Int, supported: Int)
    case locked(path: String, holder: LockHolder?)
    case cannotOpen(path: String, reason: String)
    /// A read or write of an open state failed (disk full, I/O error, busy past the timeout).
    case failed(path: String, operation: String, reason: String)
    case corrupt(path: String, reason: String)
    case unknownResource(String)
    case unknownRun(Int64)
    case unknownTransaction(String)
    /// Ctrl-C (or SIGTERM) while waiting for the lock: nothing was done.
    case lockWaitInterrupted(path: String)

    public var description: String {
        switch self {
        case .newerSchema(let path, let found, let supported):
            return "the state at \(path) was written by a newer tend (schema \(found); this tend reads up to \(supported)); upgrade tend"
        case .locked(let path, let holder):
            return "another tend is applying with the state at \(path)" + (holder.map { ": \($0)" } ?? "")
                + "; wait for it, or pass --lock-timeout SECONDS"
        case .cannotOpen(let path, let reason): return "could not open the state at \(path): \(reason)"
        case .failed(let path, let operation, let reason): return "could not \(operation) in the state at \(path): \(reason)"
        case .corrupt(let path, let reason): return "the state at \(path) is damaged: \(reason)"
        case .unknownResource(let address): return "tend does not manage \(address)"
        case .unknownRun(let id): return "there is no run \(id)"
        case .unknownTransaction(let token): return "there is no pending change \(token)"
        case .lockWaitInterrupted(let path):
            return "stopped waiting for the lock of the state at \(path): interrupted; nothing was changed"
        }
    }
}
