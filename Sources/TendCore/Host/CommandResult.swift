/// What a finished command did: exit status, captured output (bounded), and how long it took.
public struct CommandResult: Sendable, Hashable {
    public var command: Command
    /// The exit status, or 128 + the signal number when a signal ended it.
    public var status: Int32
    /// True when a signal ended the command.
    public var signaled: Bool
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]
    /// True when output beyond the capture limit was dropped.
    public var truncated: Bool
    public var duration: Double

    public init(command: Command, status: Int32, signaled: Bool = false, standardOutput: [UInt8] = [],
                standardError: [UInt8] = [], truncated: Bool = false, duration: Double = 0) {
        self.command = command
        self.status = status
        self.signaled = signaled
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.truncated = truncated
        self.duration = duration
    }

    public var succeeded: Bool { status == 0 && !signaled }
    public var output: String { String(decoding: standardOutput, as: UTF8.self) }
    public var errorOutput: String { String(decoding: standardError, as: UTF8.self) }

    /// The last `lines` lines of standard error, else of standard output: what a person needs to see.
    public func tail(lines: Int = 10) -> String {
        let source = standardError.isEmpty ? output : errorOutput
        let all = source.split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = all.last == "" ? all.dropLast() : all[...]
        return trimmed.suffix(lines).joined(separator: "\n")
    }

    /// Throws a `CommandError.failed` unless the command exited 0.
    @discardableResult
    public func check() throws -> CommandResult {
        guard succeeded else { throw CommandError.failed(self) }
        return self
    }
}

/// Why a command did not produce a successful result. Every case names the command.
public enum CommandError: Error, Sendable, CustomStringConvertible {
    /// The program could not be started (not found, not executable).
    case launchFailed(Command, reason: String)
    /// It ran and exited non-zero or was killed.
    case failed(CommandResult)
    /// It ran longer than its timeout and was terminated.
    case timedOut(Command, seconds: Double, partial: CommandResult)
    /// Tend was cancelled (Ctrl-C) while it ran; it was terminated.
    case cancelled(Command)

    public var description: String {
        switch self {
        case .launchFailed(let command, let reason):
            return "could not run `\(command)`: \(reason)"
        case .failed(let result):
            let how = result.signaled ? "was killed by signal \(result.status - 128)" : "exited with status \(result.status)"
            let tail = result.tail()
            return "`\(result.command)` \(how)" + (tail.isEmpty ? "" : ":\n" + tail)
        case .timedOut(let command, let seconds, let partial):
            let tail = partial.tail()
            return "`\(command)` timed out after \(Self.format(seconds)) and was stopped" + (tail.isEmpty ? "" : ":\n" + tail)
        case .cancelled(let command):
            return "`\(command)` was stopped because tend was interrupted"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
