/// What the lock file of a state says right now, as `tend doctor` reports it.
public enum LockStatus: Sendable, Equatable {
    /// No lock file, or one nobody holds that names no holder.
    case free
    /// Another process holds the lock now; the holder it wrote, when readable.
    case held(LockHolder?)
    /// Nobody holds the lock, yet the file names a holder whose process is gone: it died holding the lock. The
    /// next tend takes it over by itself.
    case stale(LockHolder)
    /// The lock file cannot be looked at; the reason says why and what to do.
    case unreadable(String)
}
