/// Runs commands. Implementations take argv arrays only, drain both output streams concurrently, bound what
/// they keep, enforce the command's timeout and stop the process when the calling task is cancelled.
public protocol ProcessRunner: Sendable {
    /// Runs `command` to completion. A non-zero exit is a result, not an error; launching failures,
    /// time-outs and cancellation throw `CommandError`.
    func run(_ command: Command) async throws -> CommandResult
}

extension ProcessRunner {
    /// Runs `command` and throws `CommandError.failed` unless it exits 0.
    public func checked(_ command: Command) async throws -> CommandResult {
        try await run(command).check()
    }
}
