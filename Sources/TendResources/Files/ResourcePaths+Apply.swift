import Foundation
import TendCore

/// File-system steps shared by the apply side of the file, directory, symlink and profile types. System calls
/// only, no processes; every failure is an `ApplyFailure` that names the path (in `~` form) and the cause.
extension ResourcePaths {
    /// The path as messages show it: `~` for the home directory.
    static func shown(_ path: String, host: Machine) -> String {
        PathNormalizer.addressForm(path, home: host.home)
    }

    /// A failure for a system call that just set `errno`: "could not OPERATION ~/x: Permission denied".
    static func systemFailure(_ operation: String, _ path: String, host: Machine, code: Int32 = errno) -> ApplyFailure {
        ApplyFailure("could not \(operation) \(shown(path, host: host)): \(String(cString: strerror(code)))")
    }

    /// The failure for a refused or failed step of `DirectoryHandle`, with paths in `~` form. A change of owner
    /// that only root may make says so when tend is not root.
    static func failure(_ error: Error, host: Machine, request: ChangeRequest? = nil) -> ApplyFailure {
        guard let error = error as? FileAccessError else { return ApplyFailure("\(error)") }
        if case .ownership(let path, let code) = error, code == EPERM, !host.isRoot, let request {
            let wanted = [request.resource.parameters["owner"].map { "owner \($0.text)" },
                          request.resource.parameters["group"].map { "group \($0.text)" }]
                .compactMap { $0 }.joined(separator: " and ")
            if !wanted.isEmpty {
                return ApplyFailure("giving \(shown(path, host: host)) \(wanted) needs root; run tend as root to change ownership")
            }
        }
        return ApplyFailure(error.description(home: host.home))
    }

    /// Opens `directory`, making it and its missing ancestors, each with exactly `mode` (the umask does not
    /// narrow it). As root, each new directory gets the owner of the directory it was made in, so that tend run
    /// as root in a user's home does not leave root's directories there. Symlinks on the way are followed only
    /// when no other user could have made them.
    @discardableResult
    static func makeDirectories(_ directory: String, mode: Int, host: Machine) throws -> DirectoryHandle {
        do {
            return try DirectoryHandle.open(PathNormalizer.standardize(directory), creatingMode: mode)
        } catch let error as FileAccessError {
            // A refused link says all there is to say; "could not create" would suggest the directory is missing.
            if case .untrustedLink = error { throw ApplyFailure(error.description(home: host.home)) }
            throw ApplyFailure("could not create \(shown(directory, host: host)): \(error.description(home: host.home))")
        }
    }

    /// The directory holding `path`, made (mode 0755) when missing, and the path's last component.
    static func makeParent(of path: String, host: Machine) throws -> (directory: DirectoryHandle, name: String) {
        let directory = try makeDirectories(PathNormalizer.directory(of: path), mode: 0o755, host: host)
        return (directory, PathNormalizer.lastComponent(path))
    }

    /// The directory holding `path` and the last component; nil when a directory on the way does not exist
    /// (so nothing is at `path`).
    static func openParent(of path: String, host: Machine) throws -> (directory: DirectoryHandle, name: String)? {
        do {
            return try DirectoryHandle.openParent(of: path)
        } catch let error as FileAccessError where error.code == ENOENT {
            return nil
        } catch {
            throw failure(error, host: host)
        }
    }

    /// The owner a new entry in `directory` gets as root (the directory's), nil when not root.
    static func inheritedOwner(of directory: DirectoryHandle, host: Machine) -> FileOwner? {
        host.isRoot ? directory.owner : nil
    }

    /// The uid and gid the `owner` and `group` parameters ask for (names, or numbers); nil for one not asked.
    /// An unknown name fails before anything on the host changes.
    static func requestedOwnership(_ request: ChangeRequest, host: Machine) throws -> FileOwner {
        let shownPath = shown(absolute(request.resource, "path", home: host.home), host: host)
        var uid: UInt32?
        var gid: UInt32?
        if let owner = request.resource.parameters["owner"]?.text {
            if let entry = getpwnam(owner) {
                uid = entry.pointee.pw_uid
            } else if let number = UInt32(owner) {
                uid = number
            } else {
                throw ApplyFailure("owner '\(owner)' of \(shownPath) is not a user on this machine")
            }
        }
        if let group = request.resource.parameters["group"]?.text {
            if let entry = getgrnam(group) {
                gid = entry.pointee.gr_gid
            } else if let number = UInt32(group) {
                gid = number
            } else {
                throw ApplyFailure("group '\(group)' of \(shownPath) is not a group on this machine")
            }
        }
        return FileOwner(uid: uid, gid: gid)
    }

    /// Gives the entry `name` (a regular file or directory; a symlink is not followed) the requested owner,
    /// then `mode`. Only root may give a file away; without root a needed change fails and says so rather than
    /// half-applying.
    static func setAttributes(_ name: String, in directory: DirectoryHandle, mode: Int?, owner: FileOwner,
                              request: ChangeRequest, host: Machine) throws {
        guard mode != nil || !owner.isEmpty else { return }
        do {
            try directory.setAttributes(of: name, mode: mode, owner: owner)
        } catch {
            throw failure(error, host: host, request: request)
        }
    }

    /// Rule 1 before tend overwrites or deletes what is at `path`: the keeper keeps it unless it is exactly what
    /// tend last wrote. Refuses when there is no state to keep the backup in, since tend then cannot tell the
    /// user's file from its own.
    static func keepOriginal(_ path: String, request: ChangeRequest, context: ApplyContext, action: String) throws {
        guard let backups = context.backups else {
            throw ApplyFailure("\(shown(path, host: context.host)) exists and tend keeps no backup without its state; "
                + "it did not \(action) it (apply with tend's state so that the original can be restored)")
        }
        do {
            try backups.keep(path: path, for: request.address)
        } catch {
            throw ApplyFailure("could not back up \(shown(path, host: context.host)), so it was left as it is: \(error)")
        }
    }

    /// One change to a file, directory or symlink at its `path`: `put` makes it what the config says (create,
    /// modify, recreate), `remove` takes it away, and a release puts back the originals tend kept; what tend
    /// made itself stays as it is.
    static func applyAtPath(_ request: ChangeRequest, context: ApplyContext,
                            put: (String) throws -> ChangeResult, remove: (String) throws -> Void) throws -> ChangeResult {
        let path = absolute(request.resource, "path", home: context.host.home)
        switch request.operation {
        case .create, .modify, .recreate:
            var result = try put(path)
            // What tend leaves is what a later destructive step compares with (rule 1), unless the type said
            // where its work landed (a directory's mode and owner on a symlink's target).
            if result.written == nil { result.written = PathFootprint.of(path, files: context.host.files) }
            return result
        case .destroy:
            try remove(path)
        case .release:
            _ = try restoreOriginals(request, path: path, context: context)
        }
        return ChangeResult()
    }

    /// Restores the originals tend kept for the request's resource where the path still holds exactly what tend
    /// wrote (rule 1); true when one was put back.
    static func restoreOriginals(_ request: ChangeRequest, path: String, context: ApplyContext) throws -> Bool {
        guard let backups = context.backups else { return false }
        do {
            let restored = try backups.restore(request.address)
            if restored {
                context.log("\(request.address): put back the original \(shown(path, host: context.host))")
            }
            return restored
        } catch {
            throw ApplyFailure("could not restore the original of \(request.address): \(error)")
        }
    }

    /// Removes the empty directory `name` so that a file or link can take its place.
    /// Clears the way for `replacement` where something of another kind stands at `path`: a file or a link is kept
    /// in backups (the rename then replaces it, never what a link points to), an empty directory is kept and
    /// removed, and a directory with files or anything else is refused. `directoryRefusal` is the type's own
    /// sentence for a directory with files, the one its plan check gives.
    static func makeWay(at path: String, name: String, in directory: DirectoryHandle, kind: FileStatus.Kind,
                        replacement: String, directoryRefusal: String, request: ChangeRequest,
                        context: ApplyContext) throws {
        switch kind {
        case .file, .symlink:
            try keepOriginal(path, request: request, context: context, action: "replace")
        case .directory:
            guard directory.isEmptyDirectory(name) else { throw ApplyFailure(directoryRefusal) }
            try keepOriginal(path, request: request, context: context, action: "replace")
            try removeEmptyDirectory(name, in: directory, replacement: replacement, host: context.host)
        case .other:
            throw ApplyFailure("\(shown(path, host: context.host)) is \(noun(.other, at: path)); tend will not "
                               + "replace it with \(replacement)")
        }
    }

    static func removeEmptyDirectory(_ name: String, in directory: DirectoryHandle, replacement: String, host: Machine) throws {
        guard directory.isEmptyDirectory(name) else {
            throw ApplyFailure("\(shown(directory.pathOf(name), host: host)) is a directory with files in it; "
                + "tend will not replace it with \(replacement)")
        }
        do {
            try directory.removeDirectory(name)
        } catch {
            throw failure(error, host: host)
        }
    }
}
