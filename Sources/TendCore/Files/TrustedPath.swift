import Foundation

/// OpenSSH's StrictModes rule along a whole path, for files tend takes instructions from (a plugin it runs, a
/// type definition it reads): every component, from `/` down, must be owned by a user `LinkTrust` trusts and not
/// writable by group or others; a sticky directory (`/tmp`) above the last component is allowed, the last one
/// never. A link on the way is judged as a link (its owner), and then the path it resolves to is walked too.
public enum TrustedPath {
    /// The first component someone tend does not trust could change.
    public enum Finding: Sendable, Equatable {
        /// Owned by another user; `isLink` when the component is a symlink.
        case foreignOwner(path: String, uid: uid_t, isLink: Bool)
        /// Writable by group or others; `mode` holds the permission bits.
        case writable(path: String, uid: uid_t, mode: mode_t)
    }

    /// The first finding along `path` as written, then along its resolved path when links lead elsewhere; nil
    /// when no untrusted user could change any of it. A component that does not exist ends a walk.
    public static func firstProblem(_ path: String) -> Finding? {
        if let finding = walk(path) { return finding }
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        let real = String(cString: resolved)
        return real == path ? nil : walk(real)
    }

    private static func walk(_ path: String) -> Finding? {
        var prefixes = ["/"]
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            prefixes.append(current)
        }
        for (index, prefix) in prefixes.enumerated() {
            var info = stat()
            guard lstat(prefix, &info) == 0 else { return nil }
            let kind = info.st_mode & S_IFMT
            guard LinkTrust.trusts(owner: info.st_uid) else {
                return .foreignOwner(path: prefix, uid: info.st_uid, isLink: kind == S_IFLNK)
            }
            if kind == S_IFLNK { continue }
            let writable = info.st_mode & mode_t(0o022) != 0
            let sticky = info.st_mode & mode_t(S_ISVTX) != 0 && kind == S_IFDIR
            if writable && (index == prefixes.count - 1 || !sticky) {
                return .writable(path: prefix, uid: info.st_uid, mode: info.st_mode & 0o7777)
            }
        }
        return nil
    }
}
