import Foundation
import TendCore

/// A `ProcessRunner` that answers from a script of expected commands instead of running anything, and records
/// every command it was asked to run. For fast unit tests of parsing and planning logic; end-to-end tests use
/// the real runner.
public final class ScriptedProcessRunner: ProcessRunner, @unchecked Sendable {
    /// One scripted answer: commands whose argv satisfies `matches` get `status` and the outputs.
    public struct Response: Sendable {
        public var matches: @Sendable ([String]) -> Bool
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        /// When false the response is used once; when true it answers every matching command.
        public var repeats: Bool

        public init(matching: @escaping @Sendable ([String]) -> Bool, status: Int32 = 0, stdout: String = "",
                    stderr: String = "", repeats: Bool = true) {
            self.matches = matching
            self.status = status
            self.standardOutput = stdout
            self.standardError = stderr
            self.repeats = repeats
        }

        /// Matches commands whose argv starts with `prefix`.
        public init(prefix: [String], status: Int32 = 0, stdout: String = "", stderr: String = "", repeats: Bool = true) {
            self.init(matching: { Array($0.prefix(prefix.count)) == prefix }, status: status, stdout: stdout,
                      stderr: stderr, repeats: repeats)
        }
    }

    private let lock = NSLock()
    private var responses: [Response]
    private var recorded: [Command] = []

    public init(_ responses: [Response] = []) {
        self.responses = responses
    }

    public func add(_ response: Response) {
        lock.withLock { responses.append(response) }
    }

    /// Every command run so far, in order.
    public var commands: [Command] { lock.withLock { recorded } }

    public func run(_ command: Command) async throws -> CommandResult {
        let response: Response? = lock.withLock {
            recorded.append(command)
            guard let index = responses.firstIndex(where: { $0.matches(command.arguments) }) else { return nil }
            let response = responses[index]
            if !response.repeats { responses.remove(at: index) }
            return response
        }
        guard let response else {
            throw CommandError.launchFailed(command, reason: "no scripted response for `\(command)`")
        }
        return CommandResult(command: command, status: response.status,
                             standardOutput: Array(response.standardOutput.utf8),
                             standardError: Array(response.standardError.utf8))
    }
}
