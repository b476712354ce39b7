/// Why `RegularFileReader` refused or failed to read a file. Messages name the path and say what was found.
public enum RegularFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(String)
    /// Something other than a regular file: "a character device", "a FIFO", "a directory".
    case notRegular(String, kind: String)
    case tooLarge(String, size: Int, limit: Int)
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path) does not exist"
        case .notRegular(let path, let kind):
            return "\(path) is \(kind), not a regular file"
        case .tooLarge(let path, let size, let limit):
            return "\(path) is \(size) bytes, more than the \(RegularFileError.size(limit)) tend reads"
        case .unreadable(let path, let reason):
            return "\(path) cannot be read: \(reason.lowercased())"
        }
    }

    /// The same error with `path` shown another way (with `~`, or as the config names it).
    public func showing(_ shown: String) -> RegularFileError {
        switch self {
        case .missing: return .missing(shown)
        case .notRegular(_, let kind): return .notRegular(shown, kind: kind)
        case .tooLarge(_, let size, let limit): return .tooLarge(shown, size: size, limit: limit)
        case .unreadable(_, let reason): return .unreadable(shown, reason)
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}
