import Foundation

/// Reads a file that must be a regular file of bounded size: `source:` of a file resource and config
/// includes. A device, a FIFO or a directory is refused by what `fstat` says of the open descriptor, never
/// read; the open uses `O_NONBLOCK` so that a FIFO without a writer cannot block tend.
public enum RegularFileReader {
    /// The largest `source:` file tend copies: 64 MiB.
    public static let sourceLimit = 64 << 20
    /// The largest config file (root or include) tend reads: 16 MiB.
    public static let configLimit = 16 << 20

    /// The file's bytes; throws when it is missing, not a regular file, larger than `limit`, or unreadable.
    public static func read(_ path: String, limit: Int) throws(RegularFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing(path) }
            // A socket cannot be opened at all (ENXIO): it is still named for what it is.
            if let kind = kindName(at: path) { throw .notRegular(path, kind: kind) }
            throw .unreadable(path, String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegular(path, kind: kindName(info.st_mode)) }
        guard Int(info.st_size) <= limit else { throw .tooLarge(path, size: Int(info.st_size), limit: limit) }
        // Reads at most one byte past the limit: a file that grows while it is read is still bounded.
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: min(limit, Int(info.st_size)) + 1) { buffer, count in
            count = 0
            while count < buffer.count {
                let got = Foundation.read(fd, buffer.baseAddress! + count, buffer.count - count)
                if got < 0 && errno == EINTR { continue }
                if got < 0 { failure = errno; return }
                if got == 0 { break }
                count += got
            }
        }
        if failure != 0 { throw .unreadable(path, String(cString: strerror(failure))) }
        if bytes.count > Int(info.st_size) {
            // It grew since fstat: read on, still within the limit.
            var result = bytes
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let got = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
                if got < 0 && errno == EINTR { continue }
                if got < 0 { throw .unreadable(path, String(cString: strerror(errno))) }
                if got == 0 { break }
                result.append(contentsOf: chunk[0..<got])
                if result.count > limit { throw .tooLarge(path, size: result.count, limit: limit) }
            }
            return result
        }
        return bytes
    }

    /// What `stat` finds at `path` (links followed) when it is not a regular file: "a character device", "a FIFO",
    /// "a socket", "a block device", "a directory"; nil for a regular file or nothing there. Nothing is opened, so
    /// a FIFO never blocks; the sentence is the one `read` refuses the same path with.
    public static func kindName(at path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG else { return nil }
        return kindName(info.st_mode)
    }

    /// "a character device", "a FIFO": what `fstat` found instead of a regular file.
    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a file tend knows"
        }
    }
}
