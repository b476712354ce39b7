import Foundation

/// Wraps the real runner for one change: logs each command's argv as it starts and keeps a record of it for
/// the change's report. Retries and the journal wrap the runner like this, never the resource types.
///
/// For a sensitive resource the secrets are redacted from what is logged and recorded, its commands' output
/// is not streamed with `-v`, and their output tails are not kept: the report holds a note instead.
final class RecordingRunner: ProcessRunner, @unchecked Sendable {
    private let base: any ProcessRunner
    private let log: @Sendable (String) -> Void
    private let redactor: SecretRedactor
    private let lock = NSLock()
    private var records: [CommandRecord] = []

    init(base: any ProcessRunner, redactor: SecretRedactor = SecretRedactor([]),
         log: @escaping @Sendable (String) -> Void) {
        self.base = base
        self.redactor = redactor
        self.log = log
    }

    var commands: [CommandRecord] { lock.withLock { records } }

    func run(_ command: Command) async throws -> CommandResult {
        var command = command
        if !redactor.isEmpty { command.hidesOutput = true }
        log("$ " + redactor.redact(command.description))
        let arguments = command.displayArguments.map(redactor.redact)
        do {
            let result = try await base.run(command)
            let tail = redactor.isEmpty ? result.tail(lines: 20) : SecretRedactor.outputNote
            lock.withLock {
                records.append(CommandRecord(arguments: arguments, status: result.status,
                                             duration: result.duration, outputTail: tail))
            }
            return result
        } catch {
            lock.withLock {
                records.append(CommandRecord(arguments: arguments, status: -1, duration: 0,
                                             outputTail: redactor.failureMessage("\(error)")))
            }
            throw error
        }
    }
}
