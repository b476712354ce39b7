import Foundation

/// Writes a config file that tend changes for its user (`tend import --merge`, `tend init`): atomically, with the
/// file's own mode and owner, and only when the file still holds the bytes the change was made from.
public enum ConfigFileWriter {
    /// Replaces the file at `path` (or, when `path` is a symlink, the file it points to: a config kept in a
    /// dotfiles repository stays there) with `bytes`, if it still holds `expected`.
    public static func replace(_ path: String, expected: [UInt8], with bytes: [UInt8]) throws {
        let target = realTarget(of: path)
        let current = try RegularFileReader.read(target, limit: RegularFileReader.configLimit)
        guard current == expected else { throw ConfigFileWriterError.changed(path: path) }
        let status = FileSystem().status(target)
        let owner = status.map { FileOwner(uid: $0.uid, gid: $0.gid) }
        try AtomicFile.write(bytes, to: target, mode: status?.mode ?? 0o644, owner: geteuid() == 0 ? owner : nil)
    }

    /// Writes a new file at `path`; refuses when anything is there already.
    public static func create(_ path: String, bytes: [UInt8]) throws {
        var info = stat()
        guard lstat(path, &info) != 0, errno == ENOENT else { throw ConfigFileWriterError.exists(path: path) }
        try AtomicFile.write(bytes, to: path, mode: 0o644)
    }

    private static func realTarget(of path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK,
              let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Why tend did not write a config file.
public enum ConfigFileWriterError: Error, Sendable, Equatable, CustomStringConvertible {
    case changed(path: String)
    case exists(path: String)

    public var description: String {
        switch self {
        case .changed(let path):
            return "\(path) changed while tend was working on it; nothing was written (run the command again)"
        case .exists(let path):
            return "\(path) already exists; to add what this machine has to it, run 'tend import --merge \(path)'"
        }
    }
}
