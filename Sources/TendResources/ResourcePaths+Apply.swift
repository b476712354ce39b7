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

    /// Creates `directory` and its missing ancestors, each with exactly `mode` (chmod after mkdir, so the umask
    /// does not narrow it). As root, each new directory gets the owner of the directory it was made in, so
    /// that tend run as root in a user's home does not leave root's directories there.
    static func makeDirectories(_ directory: String, mode: Int, host: Machine) throws {
        var missing: [String] = []
        var current = PathNormalizer.standardize(directory)
        while current != "/" {
            if let status = followedStatus(current, files: host.files) {
                guard status.kind == .directory else {
                    throw ApplyFailure("could not create \(shown(directory, host: host)): "
                        + "\(shown(current, host: host)) is \(noun(status.kind)), not a directory")
                }
                break
            }
            missing.append(current)
            current = PathNormalizer.directory(of: current)
        }
        for path in missing.reversed() {
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                throw systemFailure("create directory", path, host: host)
            }
            try setMode(path, mode, host: host)
            if let owner = inheritedOwner(in: PathNormalizer.directory(of: path), host: host) {
                chown(path, owner.uid, owner.gid)
            }
        }
    }

    /// Who should own something tend makes in `directory` when it runs as root: the directory's owner. Nil when
    /// tend is not root (the system makes it the user's anyway) or the directory cannot be read.
    static func inheritedOwner(in directory: String, host: Machine) -> (uid: UInt32, gid: UInt32)? {
        guard host.isRoot, let status = followedStatus(directory, files: host.files) else { return nil }
        return (status.uid, status.gid)
    }

    /// Sets the permission bits of `path` (following a symlink) exactly.
    static func setMode(_ path: String, _ mode: Int, host: Machine) throws {
        guard chmod(path, mode_t(mode)) == 0 else { throw systemFailure("set the mode of", path, host: host) }
    }

    /// True when `path` is a directory without entries.
    static func isEmptyDirectory(_ path: String) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return false }
        return entries.isEmpty
    }

    /// The uid and gid the `owner` and `group` parameters ask for (names, or numbers); nil for one not asked.
    /// An unknown name fails before anything on the host changes.
    static func requestedOwnership(_ request: ChangeRequest, host: Machine) throws -> (uid: UInt32?, gid: UInt32?) {
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
        return (uid, gid)
    }

    /// Gives `path` (following a symlink) the requested owner and group where they differ. Only root may give a
    /// file away; without root a needed change fails and says so rather than half-applying.
    static func applyOwnership(_ path: String, uid: UInt32?, gid: UInt32?, request: ChangeRequest, host: Machine) throws {
        guard uid != nil || gid != nil, let status = followedStatus(path, files: host.files) else { return }
        let newUID = uid ?? status.uid
        let newGID = gid ?? status.gid
        guard newUID != status.uid || newGID != status.gid else { return }
        guard chown(path, newUID, newGID) == 0 else {
            let code = errno
            if code == EPERM && !host.isRoot {
                let wanted = [request.resource.parameters["owner"].map { "owner \($0.text)" },
                              request.resource.parameters["group"].map { "group \($0.text)" }]
                    .compactMap { $0 }.joined(separator: " and ")
                throw ApplyFailure("giving \(shown(path, host: host)) \(wanted) needs root; run tend as root to change ownership")
            }
            throw systemFailure("change the owner of", path, host: host, code: code)
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
            // What tend leaves is what a later destructive step compares with (rule 1).
            result.written = PathFootprint.of(path, files: context.host.files)
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

    /// Removes the empty directory at `path` so that a file or link can take its place.
    static func removeEmptyDirectory(_ path: String, replacement: String, host: Machine) throws {
        guard isEmptyDirectory(path) else {
            throw ApplyFailure("\(shown(path, host: host)) is a directory with files in it; "
                + "tend will not replace it with \(replacement)")
        }
        guard rmdir(path) == 0 else { throw systemFailure("remove the empty directory", path, host: host) }
    }

    /// Flushes a directory's entries (a rename or unlink in it) to disk; best effort.
    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
