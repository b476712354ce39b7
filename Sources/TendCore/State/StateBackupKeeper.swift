import Foundation

/// Rule 1 over the state's backup store: before tend overwrites, deletes or puts back anything, what is there is
/// compared with what tend last left (the managed record's footprint). Tend's own work goes without a copy;
/// anything else (an original, a user's later edit) is kept under the state directory first. Originals are put
/// back byte for byte (with mode, and owner when root) only over tend's own work.
public struct StateBackupKeeper: BackupKeeper {
    public let store: any StateStore
    /// The run the backups it keeps belong to.
    public let runID: Int64?
    /// The state's key, which seals footprints (`PathFootprint.stored`); with another key nothing is taken
    /// for tend's own work, so everything is kept.
    public let secrets: SecretDigest
    private let files = FileSystem()

    public init(store: any StateStore, runID: Int64? = nil, secrets: SecretDigest = .ephemeral) {
        self.store = store
        self.runID = runID
        self.secrets = secrets
    }

    public func stored(_ footprint: String?) -> String? {
        PathFootprint.stored(footprint, secrets: secrets)
    }

    public func keep(path: String, for address: Address) throws {
        guard files.status(path) != nil else { return }
        let record = try store.managedResource(address)
        let now = stored(PathFootprint.of(path, files: files))
        if let written = record?.written {
            if now == written { return }
            try save(path, for: address, reason: .editedOutsideTend)
            return
        }
        if record?.createdByTend == true {
            // A record from before tend kept footprints: it cannot tell its own bytes from an edit, so it keeps them.
            try save(path, for: address, reason: .editedOutsideTend)
            return
        }
        // No record: tend takes it over now, so this is the original, even when an older one (from an earlier
        // time tend managed the path) is kept too; a release puts back the newest.
        try save(path, for: address, reason: .original)
    }

    public func keepAlways(path: String, for address: Address, reason: Backup.Reason) throws {
        guard files.status(path) != nil else { return }
        try save(path, for: address, reason: reason)
    }

    public func keepValue(_ value: String, label: String, for address: Address, reason: Backup.Reason) throws {
        let bytes = Array(value.utf8)
        let digest = SHA256.digest(bytes)
        let kept = try store.backups(for: address)
        if kept.contains(where: { $0.kind == .value && $0.digest == digest && $0.reason == reason }) { return }
        let blob = try writeBlob(bytes, digest: digest)
        _ = try store.addBackup(Backup(address: address, path: label, kind: .value, blobPath: blob, digest: digest,
                                       mode: 0o600, uid: getuid(), gid: getgid(), runID: runID, size: bytes.count,
                                       reason: reason))
    }

    public func lastWrite(_ address: Address) throws -> (digest: String, run: Int64?)? {
        guard let record = try store.managedResource(address), let written = record.written else { return nil }
        return (written, record.writtenRun)
    }

    public func originals(_ address: Address) throws -> [Backup] {
        try store.backups(for: address).filter { $0.reason == .original }
    }

    public func contents(of backup: Backup) throws -> [UInt8] {
        guard let blob = backup.blobPath, let bytes = files.read(blob) else { throw BackupError.missingBlob(backup.path) }
        if let digest = backup.digest, SHA256.digest(bytes) != digest { throw BackupError.damagedBlob(backup.path) }
        return bytes
    }

    public func discard(_ backup: Backup) throws {
        if let id = backup.id { try store.removeBackup(id: id) }
    }

    /// Puts back the originals of `address` that are still under tend's own work; leaves everything else as
    /// it is, originals kept. True when at least one was put back.
    public func restore(_ address: Address) throws -> Bool {
        let record = try store.managedResource(address)
        var restored = false
        var newest: [String: Backup] = [:]
        for backup in try originals(address) where backup.kind != .value { newest[backup.path] = backup }
        for backup in newest.values.sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) {
            // A path that changed since tend's last write is the user's now: left alone, the original stays kept.
            guard let written = record?.written, stored(PathFootprint.of(backup.path, files: files)) == written else { continue }
            try restore(backup)
            try discard(backup)
            restored = true
        }
        return restored
    }

    /// Puts one backup back at `path` (its own path unless given), whatever is there now; used by
    /// `tend backups restore`, which first keeps what it replaces.
    public func putBack(_ backup: Backup, at path: String? = nil) throws {
        var target = backup
        if let path { target.path = path }
        if target.kind == .value {
            guard path != nil else { throw BackupError.failed(backup.path, "a setting is restored with --to FILE") }
            try AtomicFile.write(try contents(of: backup), to: target.path, mode: 0o600)
            return
        }
        try restore(target)
    }

    private func save(_ path: String, for address: Address, reason: Backup.Reason) throws {
        guard let status = files.status(path) else { return }
        switch status.kind {
        case .file:
            // By handle: a link swapped in after the status above is never read (and later restored) in its place.
            guard let bytes = files.readEntry(path) else {
                throw BackupError.unreadable(path)
            }
            let digest = SHA256.digest(bytes)
            // The same bytes kept twice would only clutter `tend backups list`.
            if try store.backups(for: address).contains(where: { $0.path == path && $0.digest == digest }) { return }
            let blob = try writeBlob(bytes, digest: digest)
            _ = try store.addBackup(Backup(address: address, path: path, kind: .file, blobPath: blob, digest: digest,
                                           mode: status.mode, uid: status.uid, gid: status.gid, runID: runID,
                                           size: bytes.count, reason: reason))
        case .symlink:
            let target = files.readLink(path)
            if try store.backups(for: address).contains(where: { $0.path == path && $0.kind == .symlink
                && $0.linkTarget == target && $0.reason == reason }) { return }
            _ = try store.addBackup(Backup(address: address, path: path, kind: .symlink, mode: status.mode,
                                           uid: status.uid, gid: status.gid, linkTarget: target, runID: runID,
                                           size: target?.utf8.count ?? 0, reason: reason))
        case .directory:
            if try store.backups(for: address).contains(where: { $0.path == path && $0.kind == .directory
                && $0.mode == status.mode && $0.uid == status.uid && $0.gid == status.gid }) { return }
            _ = try store.addBackup(Backup(address: address, path: path, kind: .directory, mode: status.mode,
                                           uid: status.uid, gid: status.gid, runID: runID, reason: reason))
        case .other:
            throw BackupError.unsupported(path)
        }
    }

    /// The blob goes into the backup directory opened by handle (made 0700 and tend's own when missing, a link on
    /// the way followed only when no other user could have made it), so a user cannot steer a kept copy elsewhere.
    private func writeBlob(_ bytes: [UInt8], digest: String) throws -> String {
        let directory = try DirectoryHandle.open(SQLiteStateStore.workingAbsolute(store.backupDirectory), creatingMode: 0o700,
                                                 inheritingOwner: false)
        let name = digest.dropFirst("sha256:".count) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try directory.write(bytes, to: name, mode: 0o600)
        return directory.pathOf(name)
    }

    /// Puts one original back under a handle on its directory: a file or link is made under a temporary name,
    /// given its owner (as root) and mode on the new inode, and renamed over whatever is at the path, so that a
    /// crash leaves the old entry or the original, never neither; nothing is chowned or chmodded by path.
    private func restore(_ backup: Backup) throws {
        let path = backup.path
        let owner = geteuid() == 0 ? FileOwner(uid: backup.uid, gid: backup.gid) : nil
        do {
            let (directory, name) = try DirectoryHandle.openParent(of: path)
            let current = directory.status(of: name)
            switch backup.kind {
            case .file:
                let bytes = try contents(of: backup)
                if current?.kind == .directory { throw BackupError.failed(path, "a directory is in the way") }
                try directory.write(bytes, to: name, mode: backup.mode, owner: owner)
            case .symlink:
                guard let target = backup.linkTarget else { throw BackupError.missingBlob(path) }
                if current?.kind == .directory { throw BackupError.failed(path, "a directory is in the way") }
                try directory.makeSymlink(name, target: target, owner: owner)
            case .directory:
                if let current, current.kind == .directory {
                    try directory.directory(name).setAttributes(mode: backup.mode, owner: owner)
                } else {
                    // No rename puts a directory over a file, so this one case removes first; the file was
                    // tend's own (the keeper backed up whatever was there before tend wrote it).
                    if current != nil { try directory.remove(name) }
                    try directory.makeDirectory(name, mode: backup.mode, owner: owner)
                }
            case .value:
                throw BackupError.failed(path, "a setting is put back by its resource type")
            }
        } catch let error as FileAccessError {
            throw BackupError.failed(path, error.description)
        }
    }
}

/// Why an original could not be kept or put back.
public enum BackupError: Error, Sendable, CustomStringConvertible {
    case unreadable(String)
    case unsupported(String)
    case missingBlob(String)
    case damagedBlob(String)
    case failed(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path): return "could not read \(path) to back it up; tend does not overwrite what it cannot keep"
        case .unsupported(let path): return "\(path) is not a file, directory or symlink; tend will not replace it"
        case .missingBlob(let path): return "the backup of \(path) is missing from the state directory"
        case .damagedBlob(let path): return "the backup of \(path) does not match its digest; it was not restored"
        case .failed(let path, let reason): return "could not restore \(path): \(reason)"
        }
    }
}
