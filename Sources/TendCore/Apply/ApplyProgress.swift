/// Receives the executor's progress: the CLI shows it as live lines on a terminal or plain log lines.
public protocol ApplyProgress: Sendable {
    func started(_ change: ResourceChange)
    func finished(_ change: ResourceChange, outcome: ChangeOutcome)
    /// A line of detail: a command being run, output with `-v`, a retry.
    func log(_ address: Address?, _ line: String)
}

/// How one change ended.
public enum ChangeOutcome: Sendable, Hashable {
    case succeeded(duration: Double, attempts: Int)
    case failed(message: String, duration: Double, attempts: Int)
    /// Not run because something it depends on failed or the run was stopped.
    case skipped(reason: String)

    public var isSuccess: Bool {
        if case .succeeded = self { return true }
        return false
    }
}

/// Progress that goes nowhere, for tests and `--json`.
public struct SilentProgress: ApplyProgress {
    public init() {}
    public func started(_ change: ResourceChange) {}
    public func finished(_ change: ResourceChange, outcome: ChangeOutcome) {}
    public func log(_ address: Address?, _ line: String) {}
}
