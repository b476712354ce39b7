import Foundation

/// What `lstat` says about a path.
public struct FileStatus: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case file, directory, symlink, other }

    public var kind: Kind
    /// Permission bits (`0o7777` mask).
    public var mode: Int
    public var uid: UInt32
    public var gid: UInt32
    public var size: Int
}

extension FileStatus.Kind {
    /// What is at a path, as messages say it ("a directory").
    public var noun: String {
        switch self {
        case .file: return "a regular file"
        case .directory: return "a directory"
        case .symlink: return "a symlink"
        case .other: return "a special file (socket, FIFO or device)"
        }
    }
}

/// In-process file access for refresh and apply: no processes. Paths are absolute.
public struct FileSystem: Sendable {
    public init() {}

    /// `lstat` of the path itself (a symlink is reported as a symlink); nil when nothing is there.
    public func status(_ path: String) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let kind: FileStatus.Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        return FileStatus(kind: kind, mode: Int(info.st_mode) & 0o7777, uid: info.st_uid, gid: info.st_gid,
                          size: Int(info.st_size))
    }

    /// The file's bytes; nil when it cannot be read. The bytes are read straight into the array's storage,
    /// sized by `fstat` with one byte to spare so that the end of the file is seen without a second buffer.
    public func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return Self.readAll(fd, sizeHint: Int(info.st_size))
    }

    /// Everything left to read from an open descriptor, read straight into the array's storage.
    static func readAll(_ fd: Int32, sizeHint: Int) -> [UInt8]? {
        var result: [UInt8] = []
        var capacity = max(sizeHint, 0) + 1
        while true {
            var failed = false
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = 0
                while count < buffer.count {
                    let read = Foundation.read(fd, buffer.baseAddress! + count, buffer.count - count)
                    if read < 0 && errno == EINTR { continue }
                    if read < 0 { failed = true; return }
                    if read == 0 { break }
                    count += read
                }
            }
            if failed { return nil }
            if result.isEmpty { result = chunk } else { result.append(contentsOf: chunk) }
            // A short chunk means the end of the file; a full one, a file that grew or that stat sized as 0.
            if chunk.count < capacity { return result }
            capacity = max(capacity, 1 << 16)
        }
    }

    /// The file's text when it is UTF-8.
    public func readText(_ path: String) -> String? {
        guard let bytes = read(path) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// A symlink's target as stored; nil when the path is not a symlink.
    public func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func exists(_ path: String) -> Bool { status(path) != nil }

    /// The user name of a uid, or the number as text.
    public func userName(_ uid: UInt32) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return String(uid) }
        return String(cString: name)
    }

    /// The group name of a gid, or the number as text.
    public func groupName(_ gid: UInt32) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return String(gid) }
        return String(cString: name)
    }
}
