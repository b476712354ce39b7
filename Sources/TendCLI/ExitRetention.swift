import Foundation

/// Values kept alive until the process exits. A command about to finish has no use for freeing a large
/// config and its observations one object at a time (a visible share of a no-op plan); the kernel takes the
/// memory back at exit all at once.
enum ExitRetention {
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = NSLock()

    static func keep(_ value: Any) {
        lock.withLock { kept.append(value) }
    }
}
