import Foundation

/// The exclusive lock of one state file: `flock(2)` on `<state path>.lock` (mode 0600), so that two applies never
/// interleave and a lock whose holder died is released by the kernel. The holder writes who it is into the file
/// as one JSON line, for the error a second tend shows. Not reentrant: one `acquire` per `release`; `release`
/// may come from another thread.
public final class StateLock: @unchecked Sendable {
    /// The state file this lock guards.
    public let statePath: String
    /// `<state path>.lock`.
    public let path: String
    /// The open lock file while the lock is held, else -1; guarded by `guardLock`.
    private var descriptor: Int32 = -1
    private let guardLock = NSLock()

    /// How often a waiting `acquire` tries again.
    static let pollInterval: Double = 0.05

    public init(statePath: String) {
        self.statePath = statePath
        self.path = statePath + ".lock"
    }

    deinit {
        release()
    }

    /// True while this object holds the lock.
    public var isHeld: Bool { guardLock.withLock { descriptor >= 0 } }

    /// Takes the lock, trying again every 50 ms for up to `timeout` seconds (0: one try). Throws `locked` naming
    /// the holder when it stays taken, `cannotOpen` when the lock file cannot be opened or is not a regular file
    /// (a symbolic link there is never followed, so it cannot make tend truncate another file), and
    /// `lockWaitInterrupted` as soon as `stop` asks to stop while waiting. `waiting` is called once, with the
    /// holder, when the lock is taken and tend starts to wait. Returns a note to show when the lock file named
    /// an earlier holder on this host whose process is gone (it died holding the lock).
    @discardableResult
    public func acquire(holder: LockHolder, timeout: Double, stop: StopSignal? = nil,
                        waiting: ((LockHolder?) -> Void)? = nil) throws -> String? {
        precondition(!isHeld, "StateLock.acquire called twice without release")
        let fd = try Self.openLockFile(path, statePath: statePath)
        let deadline = Date().addingTimeInterval(max(0, timeout))
        var announced = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK || code == EAGAIN else {
                close(fd)
                throw StateError.cannotOpen(path: statePath, reason: "could not lock \(path): \(String(cString: strerror(code)))")
            }
            if stop?.isStopping == true {
                close(fd)
                throw StateError.lockWaitInterrupted(path: statePath)
            }
            guard Date() < deadline else {
                let current = Self.readHolder(fd)
                close(fd)
                throw StateError.locked(path: statePath, holder: current)
            }
            if !announced {
                announced = true
                waiting?(Self.readHolder(fd))
            }
            usleep(useconds_t(Self.pollInterval * 1_000_000))
        }
        guardLock.withLock { descriptor = fd }
        // A holder that released cleanly emptied the file, so a holder named here died holding the lock.
        let previous = Self.readHolder(fd)
        let line = Array((Self.json(of: holder).compact + "\n").utf8)
        ftruncate(fd, 0)
        _ = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard let previous, previous.pid != holder.pid || previous.hostname != holder.hostname,
              LocalProcess.isGone(pid: previous.pid, hostname: previous.hostname) else { return nil }
        let started = ISO8601DateFormatter().string(from: previous.startedAt)
        return "took over the lock of pid \(previous.pid) (started \(started), `\(previous.command)`), which is no longer running"
    }

    /// Opens (or creates, mode 0600) the lock file without following a symbolic link, and only when it is a
    /// regular file: `ftruncate` on anything else would destroy what the link or name points at.
    private static func openLockFile(_ path: String, statePath: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP {
                throw StateError.cannotOpen(path: statePath, reason: "the lock \(path) is a symbolic link, which tend "
                                            + "does not follow; remove it (tend makes a new lock file)")
            }
            throw StateError.cannotOpen(path: statePath, reason: "could not open the lock \(path): \(String(cString: strerror(code)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw StateError.cannotOpen(path: statePath, reason: "the lock \(path) is not a regular file; remove it "
                                        + "(tend makes a new lock file)")
        }
        fchmod(fd, 0o600)
        return fd
    }

    /// Lets the lock go, emptying the file first so that the next holder knows this one ended cleanly.
    /// Does nothing when the lock is not held.
    public func release() {
        guardLock.withLock {
            guard descriptor >= 0 else { return }
            ftruncate(descriptor, 0)
            flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }

    /// Who the lock file at `path` names, without taking the lock; nil when it is empty or unreadable.
    public static func holder(atPath path: String) -> LockHolder? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readHolder(fd)
    }

    // MARK: The holder line

    static func json(of holder: LockHolder) -> JSON {
        .object([
            ("pid", .int(Int(holder.pid))),
            ("hostname", .string(holder.hostname)),
            ("startedAt", .string(Self.timestampFormatter().string(from: holder.startedAt))),
            ("command", .string(holder.command)),
        ])
    }

    static func holder(from json: JSON) -> LockHolder? {
        guard let pid = json["pid"]?.intValue.flatMap(Int32.init(exactly:)),
              let hostname = json["hostname"]?.stringValue,
              let started = json["startedAt"]?.stringValue.flatMap({ Self.timestampFormatter().date(from: $0) }),
              let command = json["command"]?.stringValue else { return nil }
        return LockHolder(pid: pid, hostname: hostname, startedAt: started, command: command)
    }

    private static func timestampFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    static func readHolder(_ fd: Int32) -> LockHolder? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while bytes.count < 65_536 {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
            offset += off_t(count)
        }
        let firstLine = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
        guard !firstLine.isEmpty, let json = try? JSON.parse(firstLine) else { return nil }
        return holder(from: json)
    }
}

extension LockHolder {
    /// This process as a lock holder: its pid, this host's name, and `command` (what it is doing, such as
    /// `tend apply -c work.yaml`).
    public static func current(command: String, startedAt: Date = Date()) -> LockHolder {
        LockHolder(pid: getpid(), hostname: LocalProcess.hostname, startedAt: startedAt, command: command)
    }
}
