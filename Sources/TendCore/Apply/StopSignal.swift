import Foundation

/// How an interrupted apply stops: first no new changes start, then running ones are terminated.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopRequested = false
    private var terminateRequested = false
    private var onTerminate: [@Sendable () -> Void] = []

    public init() {}

    /// No new changes start; running ones may finish.
    public func requestStop() { lock.withLock { stopRequested = true } }

    /// Running changes are cancelled (their commands get SIGTERM, then SIGKILL).
    public func requestTermination() {
        let handlers: [@Sendable () -> Void] = lock.withLock {
            stopRequested = true
            terminateRequested = true
            let handlers = onTerminate
            onTerminate = []
            return handlers
        }
        handlers.forEach { $0() }
    }

    public var isStopping: Bool { lock.withLock { stopRequested } }
    public var isTerminating: Bool { lock.withLock { terminateRequested } }

    func whenTerminated(_ handler: @escaping @Sendable () -> Void) {
        let now: Bool = lock.withLock {
            if terminateRequested { return true }
            onTerminate.append(handler)
            return false
        }
        if now { handler() }
    }
}
