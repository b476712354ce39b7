import Foundation

/// Keeps originals under the state directory before tend overwrites or deletes them, and puts them back
/// byte for byte (with mode, and owner when root) when their resource leaves the config.
public struct StateBackupKeeper: BackupKeeper {
    public let store: any StateStore
    private let files = FileSystem()

    public init(store: any StateStore) {
        self.store = store
    }

    public func keep(path: String, for address: Address) throws {
        guard let status = files.status(path) else { return }
        if let managed = try store.managedResource(address), managed.createdByTend { return }
        if try store.backups(for: address).contains(where: { $0.path == path }) { return }
        switch status.kind {
        case .file:
            // By handle: a link swapped in after the status above is never read (and later restored) in its place.
            guard let bytes = files.readEntry(path) else {
                throw BackupError.unreadable(path)
            }
            let digest = SHA256.digest(bytes)
            try FileManager.default.createDirectory(atPath: store.backupDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let blob = store.backupDirectory + "/" + digest.dropFirst("sha256:".count) + "-"
                + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            try AtomicFile.write(bytes, to: blob, mode: 0o600)
            _ = try store.addBackup(Backup(address: address, path: path, kind: .file, blobPath: blob, digest: digest,
                                           mode: status.mode, uid: status.uid, gid: status.gid))
        case .symlink:
            _ = try store.addBackup(Backup(address: address, path: path, kind: .symlink, mode: status.mode,
                                           uid: status.uid, gid: status.gid, linkTarget: files.readLink(path)))
        case .directory:
            _ = try store.addBackup(Backup(address: address, path: path, kind: .directory, mode: status.mode,
                                           uid: status.uid, gid: status.gid))
        case .other:
            throw BackupError.unsupported(path)
        }
    }

    public func restore(_ address: Address) throws -> Bool {
        let backups = try store.backups(for: address)
        for backup in backups {
            try restore(backup)
            if let id = backup.id { try store.removeBackup(id: id) }
        }
        return !backups.isEmpty
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
                guard let blob = backup.blobPath, let bytes = files.read(blob) else { throw BackupError.missingBlob(path) }
                if let digest = backup.digest, SHA256.digest(bytes) != digest { throw BackupError.damagedBlob(path) }
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
