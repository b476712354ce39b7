import Foundation

/// `tend backups`: what every destructive step kept (like Puppet's filebucket), listed, shown, put back and
/// pruned. Restoring checks the kept bytes against their digest and keeps what it replaces first, so that a
/// restore never loses a byte either.
public struct BackupCatalog: Sendable {
    public let store: any StateStore

    public init(store: any StateStore) {
        self.store = store
    }

    /// Backups oldest first; only those of `address` when given.
    public func list(_ address: Address? = nil) throws -> [Backup] {
        guard let address else { return try store.allBackups() }
        return try store.backups(for: address)
    }

    /// One backup and its kept bytes (nil for a directory or link, which keep no bytes).
    public func show(_ id: Int64) throws -> (backup: Backup, contents: [UInt8]?) {
        let backup = try find(id)
        guard backup.kind == .file || backup.kind == .value else { return (backup, nil) }
        return (backup, try StateBackupKeeper(store: store).contents(of: backup))
    }

    /// Puts backup `id` back at its path, or at `path`; what is there first is kept as a backup of its own.
    /// Returns the path written. The backup stays listed until pruned.
    public func restore(_ id: Int64, to path: String? = nil) throws -> String {
        let backup = try find(id)
        let keeper = StateBackupKeeper(store: store)
        // Checked before anything at the target is touched: a damaged backup changes nothing.
        if backup.kind == .file || backup.kind == .value { _ = try keeper.contents(of: backup) }
        let target = path ?? backup.path
        if backup.kind == .value && path == nil {
            throw BackupCatalogError.settingNeedsTarget(id: id, label: backup.path)
        }
        try keeper.keepAlways(path: target, for: backup.address, reason: .replaced)
        try keeper.putBack(backup, at: path)
        return target
    }

    /// Removes backups older than `age` seconds, except the originals of resources tend still manages, which a
    /// release still needs. Returns what was removed.
    public func prune(olderThan age: TimeInterval, now: Date = Date()) throws -> [Backup] {
        let managed = Set(try store.managedResources().map(\.address))
        let cutoff = now.addingTimeInterval(-age)
        var removed: [Backup] = []
        for backup in try store.allBackups() where backup.createdAt < cutoff {
            if backup.reason == .original && managed.contains(backup.address) { continue }
            if let id = backup.id { try store.removeBackup(id: id) }
            removed.append(backup)
        }
        return removed
    }

    private func find(_ id: Int64) throws -> Backup {
        guard let backup = try store.backup(id: id) else { throw BackupCatalogError.unknown(id) }
        return backup
    }
}

/// Why `tend backups` could not do what it was asked.
public enum BackupCatalogError: Error, Sendable, CustomStringConvertible {
    case unknown(Int64)
    case settingNeedsTarget(id: Int64, label: String)

    public var description: String {
        switch self {
        case .unknown(let id): return "there is no backup \(id); 'tend backups list' shows them"
        case .settingNeedsTarget(let id, let label):
            return "backup \(id) holds the value of \(label), not a file; write it to a file with --to PATH"
        }
    }
}
