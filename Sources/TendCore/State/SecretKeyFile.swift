import Foundation

/// The per-state key of `SecretDigest`: 32 random bytes in `STATE.hmac-key`, beside the state file, mode 0600.
/// Made on first need (a saved plan, an apply); opened without following symlinks and refused unless it is a
/// regular file of this user that nobody else may read.
public enum SecretKeyFile {
    static let length = 32

    /// Where the key of the state at `statePath` lives.
    public static func path(forState statePath: String) -> String { statePath + ".hmac-key" }

    /// The state's digest key, made when there is none yet.
    public static func digest(forState statePath: String) throws(SecretKeyError) -> SecretDigest {
        let path = path(forState: statePath)
        if let key = try read(path) { return SecretDigest(key: key) }
        try create(path)
        guard let key = try read(path) else { throw .unusable(path, "it vanished right after it was made") }
        return SecretDigest(key: key)
    }

    /// The state's digest key when it has one; nil, and nothing written, when it has none yet.
    public static func existingDigest(forState statePath: String) throws(SecretKeyError) -> SecretDigest? {
        try read(path(forState: statePath)).map { SecretDigest(key: $0) }
    }

    /// The key's bytes; nil when there is no file.
    static func read(_ path: String) throws(SecretKeyError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP { throw .unusable(path, "it is a symbolic link") }
            throw .unusable(path, String(cString: strerror(code)).lowercased())
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unusable(path, String(cString: strerror(errno)).lowercased()) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .unusable(path, "it is not a regular file") }
        guard info.st_uid == geteuid() else { throw .unusable(path, "it belongs to uid \(info.st_uid), not to uid \(geteuid())") }
        guard info.st_mode & 0o077 == 0 else {
            throw .unusable(path, "others may read or write it (mode \(String(info.st_mode & 0o7777, radix: 8)))")
        }
        var bytes = [UInt8](repeating: 0, count: length + 1)
        let count = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
        guard count == length else { throw .unusable(path, "it does not hold a \(length)-byte key") }
        return Array(bytes.prefix(length))
    }

    /// Writes a new key under a temporary name, then links it into place: a key another tend made meanwhile
    /// wins, and nobody ever reads half a key.
    static func create(_ path: String) throws(SecretKeyError) {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        do {
            // The directory by handle, made 0700 and tend's own: no link another user made is followed to it.
            let directory = try DirectoryHandle.open(PathNormalizer.directory(of: SQLiteStateStore.workingAbsolute(path)),
                                                     creatingMode: 0o700, inheritingOwner: false)
            try directory.writeExclusively(key, to: PathNormalizer.lastComponent(path), mode: 0o600)
        } catch let error as FileAccessError where error.code == EEXIST {
            // Another tend made the key meanwhile: that one is the key.
            return
        } catch {
            throw .unusable(path, "it cannot be made: \(error)")
        }
    }
}

/// Why the state's secret key could not be used.
public enum SecretKeyError: Error, Sendable, CustomStringConvertible {
    case unusable(String, String)

    public var description: String {
        switch self {
        case .unusable(let path, let reason):
            return "the secret key file \(path) cannot be used: \(reason); remove it and tend makes a new one "
                + "(plans saved before then must be made again)"
        }
    }
}
