import Foundation

/// An open directory that tend reached without following a symlink it does not trust (see `LinkTrust`); every
/// create, write, rename, chown, chmod and delete of tend's happens on an entry of one, by name, so that a path
/// swapped after the check (a symlink put where a file was) is never followed.
///
/// Entry names are single components (no `/`). The descriptor is closed when the handle is released.
public final class DirectoryHandle: @unchecked Sendable {
    /// The path the directory was opened by (as asked, symlinks not resolved), for messages.
    public let path: String
    let descriptor: Int32

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        close(descriptor)
    }

    /// The absolute path of an entry, for messages.
    public func pathOf(_ name: String) -> String {
        path == "/" ? "/" + name : path + "/" + name
    }

    /// The directory's own status.
    public func status() -> FileStatus? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// Who owns the directory: what a file tend makes in it as root is given, so that tend does not leave
    /// root's files in a user's home.
    public var owner: FileOwner? {
        status().map { FileOwner(uid: $0.uid, gid: $0.gid) }
    }

    /// The entry itself, a symlink reported as a symlink; nil when nothing is there.
    public func status(of name: String) -> FileStatus? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return FileStatus(info)
    }

    /// A symlink entry's target as stored; nil when the entry is not a symlink.
    public func readLink(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(descriptor, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A regular file entry's bytes; nil when it is missing, unreadable or not a regular file. A symlink at the
    /// name is not followed, and a FIFO swapped in does not block the read.
    public func read(_ name: String) -> [UInt8]? {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileSystem.readAll(fd, sizeHint: Int(info.st_size))
    }

    /// A regular file entry's bytes, at most `limit` of them: a symlink at the name is not followed, a FIFO does
    /// not block. Throws `unexpectedKind` for anything but a regular file and EFBIG past the limit.
    public func read(_ name: String, limit: Int) throws -> [UInt8] {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP, let found = status(of: name) { throw FileAccessError.unexpectedKind(path: pathOf(name), kind: found.kind) }
            throw FileAccessError.system(operation: "read", path: pathOf(name), errno: code)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileAccessError.system(operation: "inspect", path: pathOf(name), errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FileAccessError.unexpectedKind(path: pathOf(name), kind: FileStatus(info).kind)
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw FileAccessError.system(operation: "read", path: pathOf(name), errno: errno) }
            if count == 0 { return bytes }
            bytes += buffer[0..<count]
            // A file that grows while it is read is held to the limit too.
            guard bytes.count <= limit else { throw FileAccessError.system(operation: "read", path: pathOf(name), errno: EFBIG) }
        }
    }

    /// The subdirectory `name`, which must be a directory itself (a symlink there fails, whoever made it).
    public func directory(_ name: String) throws -> DirectoryHandle {
        let childPath = pathOf(name)
        var fd = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        #if os(Linux)
        // A directory tend may search but not list (mode 0711): O_PATH still gives a handle to work under.
        if fd < 0 && errno == EACCES { fd = openat(descriptor, name, Self.pathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        #endif
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP || code == ENOTDIR, let found = status(of: name) {
                throw FileAccessError.notADirectory(path: childPath, kind: found.kind)
            }
            throw FileAccessError.system(operation: "open the directory", path: childPath, errno: code)
        }
        return DirectoryHandle(descriptor: fd, path: childPath)
    }

    /// True when `name` is a directory (not a link to one) without entries.
    public func isEmptyDirectory(_ name: String) -> Bool {
        guard let child = try? directory(name) else { return false }
        return child.entryNames()?.isEmpty == true
    }

    /// The names in the directory, without `.` and `..`; nil when it cannot be listed.
    public func entryNames() -> [String]? {
        let copy = openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return nil
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Deletes the entry (a file or a symlink; a link is removed, never what it points to).
    public func remove(_ name: String) throws {
        guard unlinkat(descriptor, name, 0) == 0 else {
            throw FileAccessError.system(operation: "delete", path: pathOf(name), errno: errno)
        }
    }

    /// Removes the entry when it is an empty directory; fails with ENOTEMPTY otherwise.
    public func removeDirectory(_ name: String) throws {
        guard unlinkat(descriptor, name, AT_REMOVEDIR) == 0 else {
            throw FileAccessError.system(operation: "remove the directory", path: pathOf(name), errno: errno)
        }
    }

    /// Flushes the directory's entries (a rename or unlink in it) to disk; best effort.
    public func sync() {
        fsync(descriptor)
    }

    #if os(Linux)
    /// Linux's O_PATH (not exported by Glibc's Swift module; the same value on x86_64 and arm64).
    static let pathOnly: Int32 = 0o10000000
    #endif
}
