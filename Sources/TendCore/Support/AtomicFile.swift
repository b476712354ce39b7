import Foundation

/// Writes files so that a reader (or a crash) sees the old bytes or the new ones, never a mix: the bytes go
/// to a temporary file in the same directory, are flushed to disk, and the file is renamed over the target.
public enum AtomicFile {
    public enum WriteError: Error, CustomStringConvertible {
        case failed(path: String, operation: String, errno: Int32)

        public var description: String {
            switch self {
            case .failed(let path, let operation, let code):
                return "could not \(operation) \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Temporary files of earlier writes to the same name whose process died (kill -9, power loss): the
    /// target was never touched by them, so they are only litter.
    static func removeLeftovers(of name: String, in directory: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        let prefix = ".\(name).tend-"
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard entryName.hasPrefix(prefix) else { continue }
            let rest = entryName.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]) else { continue }
            if pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH) {
                if pid != getpid() { unlink(directory + "/" + entryName) }
            }
        }
    }

    /// Replaces `path` with `bytes`; the new file gets `mode`.
    public static func write(_ bytes: [UInt8], to path: String, mode: Int = 0o644) throws {
        let directory = PathNormalizer.directory(of: path)
        let name = PathNormalizer.lastComponent(path)
        let temporary = "\(directory)/.\(name).tend-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw WriteError.failed(path: path, operation: "create a temporary file for", errno: errno) }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                throw WriteError.failed(path: path, operation: "write", errno: code)
            }
            offset += written
        }
        fchmod(fd, mode_t(mode))
        guard fsync(fd) == 0 else {
            let code = errno
            close(fd)
            throw WriteError.failed(path: path, operation: "flush", errno: code)
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw WriteError.failed(path: path, operation: "rename into", errno: errno) }
        ok = true
        removeLeftovers(of: name, in: directory)
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
