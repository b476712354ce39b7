/// How one host's run ended, for the table at the end.
public struct HostOutcome: Sendable, Hashable {
    public enum Result: String, Sendable, Hashable {
        /// Nothing to change (apply) or nothing pending (plan).
        case converged
        /// Apply made changes, all of which succeeded.
        case changed
        /// Plan found changes waiting.
        case drifted
        /// The host's own tend failed, or a change failed.
        case failed
        /// ssh could not reach the host.
        case unreachable
        /// No tend, or another version, on the host.
        case noTend = "no tend"
    }

    public var host: String
    public var result: Result
    /// Changes made (apply) or pending (plan); nil when the run never got that far.
    public var changes: Int?
    public var failedChanges: Int
    public var duration: Double
    /// Why it failed, one line, for the lines under the table.
    public var message: String?

    public init(host: String, result: Result, changes: Int? = nil, failedChanges: Int = 0, duration: Double = 0,
                message: String? = nil) {
        self.host = host
        self.result = result
        self.changes = changes
        self.failedChanges = failedChanges
        self.duration = duration
        self.message = message
    }

    public var succeeded: Bool { result == .converged || result == .changed || result == .drifted }
}
