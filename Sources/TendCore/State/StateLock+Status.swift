import Foundation

extension StateLock {
    /// Looks at the lock of the state at `statePath` without taking it or writing anything: a shared `flock`
    /// attempt on a read-only handle fails only while someone holds the exclusive lock. A link at the lock's
    /// place is never followed.
    public static func status(statePath: String) -> LockStatus {
        let path = statePath + ".lock"
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { return .free }
            if code == ELOOP {
                return .unreadable("the lock \(path) is a symbolic link, which tend does not follow; remove it "
                                   + "(tend makes a new lock file)")
            }
            return .unreadable("could not open the lock \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .unreadable("the lock \(path) is not a regular file; remove it (tend makes a new lock file)")
        }
        var result: Int32
        repeat { result = flock(fd, LOCK_SH | LOCK_NB) } while result != 0 && errno == EINTR
        if result != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EAGAIN else {
                return .unreadable("could not look at the lock \(path): \(String(cString: strerror(code)))")
            }
            return .held(readHolder(fd))
        }
        flock(fd, LOCK_UN)
        // A holder that ended cleanly emptied the file; a named holder that is gone died holding the lock.
        guard let named = readHolder(fd), LocalProcess.isGone(pid: named.pid, hostname: named.hostname) else {
            return .free
        }
        return .stale(named)
    }
}
