import Foundation

/// Why a file-system step under `DirectoryHandle` was refused or failed. Paths are absolute; `description(home:)`
/// writes them with `~`.
public enum FileAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A symlink on the way that a user other than root or the one running tend could have made or changed.
    case untrustedLink(link: String, target: String, reason: String)
    /// A directory where tend keeps private files that another user could change.
    case untrustedDirectory(path: String)
    /// A component of the path is a file, a special file or a symlink where a directory must be.
    case notADirectory(path: String, kind: FileStatus.Kind)
    /// More symlinks on the way than the kernel would follow.
    case tooManyLinks(path: String)
    /// Something other than a regular file or a directory where tend changes mode or owner.
    case unexpectedKind(path: String, kind: FileStatus.Kind)
    /// Changing the owner or group failed (EPERM: only root gives files away).
    case ownership(path: String, errno: Int32)
    /// A recursive removal stopped before it was done, and why (too deep, another file system, a racing user).
    case removalStopped(path: String, reason: String)
    /// A system call failed: "could not OPERATION PATH: reason".
    case system(operation: String, path: String, errno: Int32)

    public var description: String { description(home: nil) }

    /// The message with paths under `home` written as `~/...`.
    public func description(home: String?) -> String {
        func shown(_ path: String) -> String {
            guard let home, home != "/" else { return path }
            return PathNormalizer.addressForm(path, home: home)
        }
        switch self {
        case .untrustedLink(let link, let target, let reason):
            return "\(shown(link)) is a symlink to \(target) that tend does not follow: \(reason) "
                + "(replace the link with the directory itself, or run tend as the user who owns it)"
        case .untrustedDirectory(let path):
            return "\(shown(path)) can be changed by a user other than \(LinkTrust.trustedUsers); "
                + "tend keeps its helper files only where no one else can write (make it mode 0700, or 1777 like /tmp)"
        case .notADirectory(let path, let kind):
            return "\(shown(path)) is \(kind.noun), not a directory"
        case .tooManyLinks(let path):
            return "too many symlinks on the way to \(shown(path)) (a loop?); tend stops after 40"
        case .unexpectedKind(let path, let kind):
            return "\(shown(path)) is \(kind.noun); tend changes the mode and owner of files and directories only"
        case .ownership(let path, let code):
            return "could not change the owner of \(shown(path)): \(String(cString: strerror(code)))"
                + (code == EPERM ? " (only root can give a file to another user)" : "")
        case .removalStopped(let path, let reason):
            return "tend stopped removing \(shown(path)): \(reason); the rest was left in place (remove it yourself)"
        case .system(let operation, let path, let code):
            return "could not \(operation) \(shown(path)): \(String(cString: strerror(code)))"
        }
    }

    /// The errno behind the failure, when a system call failed.
    public var code: Int32? {
        switch self {
        case .ownership(_, let code), .system(_, _, let code): return code
        default: return nil
        }
    }

}
