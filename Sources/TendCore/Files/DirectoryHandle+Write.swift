import Foundation

extension DirectoryHandle {
    /// Replaces the entry `name` with a regular file holding `bytes`, so that a reader (or a crash) sees the old
    /// entry or the new file, never a mix or nothing: the bytes go to a new temporary entry (`O_EXCL`, never
    /// following a link), which gets its owner and then its mode on the open descriptor (in that order, since a
    /// chown clears setuid and setgid bits), is flushed, and is renamed over `name`. A symlink at `name` is
    /// replaced, never written through. Nothing is ever changed by path after the rename.
    public func write(_ bytes: [UInt8], to name: String, mode: Int, owner: FileOwner? = nil) throws {
        let temporary = try writeTemporary(bytes, for: name, mode: mode, owner: owner)
        guard renameat(descriptor, temporary, descriptor, name) == 0 else {
            let code = errno
            unlinkat(descriptor, temporary, 0)
            throw FileAccessError.system(operation: "rename a temporary file onto", path: pathOf(name), errno: code)
        }
        sync()
        removeLeftovers(of: name)
    }

    /// Puts a new file holding `bytes` at `name` only when nothing is there (a private key must never replace
    /// anything): written as `write` does, then hard-linked into place, which fails with EEXIST rather than
    /// replace an entry that appeared since.
    public func writeExclusively(_ bytes: [UInt8], to name: String, mode: Int, owner: FileOwner? = nil) throws {
        let temporary = try writeTemporary(bytes, for: name, mode: mode, owner: owner)
        defer { unlinkat(descriptor, temporary, 0) }
        guard linkat(descriptor, temporary, descriptor, name, 0) == 0 else {
            throw FileAccessError.system(operation: "create", path: pathOf(name), errno: errno)
        }
        sync()
    }

    /// Replaces the entry `name` with a symlink to `target`: made under a temporary name, given its owner
    /// (`lchown` semantics), then renamed over `name`.
    public func makeSymlink(_ name: String, target: String, owner: FileOwner? = nil) throws {
        let temporary = temporaryName(for: name)
        guard symlinkat(target, descriptor, temporary) == 0 else {
            throw FileAccessError.system(operation: "create a link beside", path: pathOf(name), errno: errno)
        }
        if let owner, !owner.isEmpty {
            guard fchownat(descriptor, temporary, owner.uid ?? UInt32.max, owner.gid ?? UInt32.max, AT_SYMLINK_NOFOLLOW) == 0 else {
                let code = errno
                unlinkat(descriptor, temporary, 0)
                throw FileAccessError.ownership(path: pathOf(name), errno: code)
            }
        }
        guard renameat(descriptor, temporary, descriptor, name) == 0 else {
            let code = errno
            unlinkat(descriptor, temporary, 0)
            throw FileAccessError.system(operation: "put the link in place at", path: pathOf(name), errno: code)
        }
        sync()
    }

    /// Makes the directory `name` (failing with EEXIST when anything is there) and gives it `owner`, then
    /// exactly `mode`, on its open handle.
    @discardableResult
    public func makeDirectory(_ name: String, mode: Int, owner: FileOwner? = nil) throws -> DirectoryHandle {
        guard mkdirat(descriptor, name, 0o700) == 0 else {
            throw FileAccessError.system(operation: "create the directory", path: pathOf(name), errno: errno)
        }
        let made = try directory(name)
        try made.setAttributes(mode: mode, owner: owner)
        sync()
        return made
    }

    /// Gives this directory `owner` (where it differs), then `mode`, on its descriptor.
    public func setAttributes(mode: Int?, owner: FileOwner?) throws {
        try Self.setAttributes(of: descriptor, path: path, mode: mode, owner: owner)
    }

    /// Gives the entry `name`, which must be a regular file or a directory (a symlink there is not followed),
    /// `owner` (where it differs), then `mode`.
    public func setAttributes(of name: String, mode: Int?, owner: FileOwner?) throws {
        var fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        #if os(Linux)
        // A file its owner cannot read (mode 0200) can still have its mode changed: O_PATH needs no permission,
        // and the kernel's own link for the descriptor names exactly that inode.
        if fd < 0 && errno == EACCES { fd = openat(descriptor, name, Self.pathOnly | O_NOFOLLOW | O_CLOEXEC) }
        #endif
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP, let found = status(of: name) {
                throw FileAccessError.unexpectedKind(path: pathOf(name), kind: found.kind)
            }
            throw FileAccessError.system(operation: "open", path: pathOf(name), errno: code)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FileAccessError.system(operation: "inspect", path: pathOf(name), errno: errno)
        }
        let kind = FileStatus(info).kind
        guard kind == .file || kind == .directory else {
            throw FileAccessError.unexpectedKind(path: pathOf(name), kind: kind)
        }
        try Self.setAttributes(of: fd, path: pathOf(name), mode: mode, owner: owner)
    }

    /// Owner first, then mode: a chown clears setuid and setgid, so the mode asked for is set after it.
    static func setAttributes(of fd: Int32, path: String, mode: Int?, owner: FileOwner?) throws {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileAccessError.system(operation: "inspect", path: path, errno: errno) }
        if let owner, (owner.uid ?? info.st_uid) != info.st_uid || (owner.gid ?? info.st_gid) != info.st_gid {
            guard fchown(fd, owner.uid ?? UInt32.max, owner.gid ?? UInt32.max) == 0 || byProcPath(fd, { chown($0, owner.uid ?? UInt32.max, owner.gid ?? UInt32.max) }) else {
                throw FileAccessError.ownership(path: path, errno: errno)
            }
        }
        if let mode {
            guard fchmod(fd, mode_t(mode)) == 0 || byProcPath(fd, { chmod($0, mode_t(mode)) }) else {
                throw FileAccessError.system(operation: "set the mode of", path: path, errno: errno)
            }
        }
    }

    /// Retries a call that failed with EBADF on an O_PATH descriptor through `/proc/self/fd/N`, which names the
    /// descriptor's inode itself (no symlink in it is followed). Keeps `errno` of the first failure otherwise.
    private static func byProcPath(_ fd: Int32, _ call: (String) -> Int32) -> Bool {
        #if os(Linux)
        guard errno == EBADF else { return false }
        return call("/proc/self/fd/\(fd)") == 0
        #else
        return false
        #endif
    }

    /// A fresh name beside `name`, recognisable as tend's (`.NAME.tend-PID-RANDOM`) so that leftovers of a
    /// killed run can be cleared.
    func temporaryName(for name: String) -> String {
        // Long names are cut so that the temporary stays within NAME_MAX.
        let stem = name.utf8.count > 200 ? String(decoding: name.utf8.prefix(200), as: UTF8.self) : name
        return ".\(stem).tend-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// Writes `bytes` to a new temporary entry and gives it `owner` and `mode`; returns its name.
    private func writeTemporary(_ bytes: [UInt8], for name: String, mode: Int, owner: FileOwner?) throws -> String {
        let temporary = temporaryName(for: name)
        // Created private: nobody reads the bytes before they have their final owner and mode.
        let fd = openat(descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw FileAccessError.system(operation: "create a temporary file for", path: pathOf(name), errno: errno)
        }
        var done = false
        defer {
            close(fd)
            if !done { unlinkat(descriptor, temporary, 0) }
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileAccessError.system(operation: "write", path: pathOf(name), errno: errno)
            }
            offset += written
        }
        try Self.setAttributes(of: fd, path: pathOf(name), mode: mode, owner: owner)
        guard fsync(fd) == 0 else {
            throw FileAccessError.system(operation: "flush", path: pathOf(name), errno: errno)
        }
        done = true
        return temporary
    }

    /// Temporary files of earlier writes to `name` whose process died (kill -9, power loss): the target was
    /// never touched by them, so they are only litter.
    func removeLeftovers(of name: String) {
        let prefix = ".\(name).tend-"
        for entry in entryNames() ?? [] where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlinkat(descriptor, entry, 0) }
        }
    }
}
