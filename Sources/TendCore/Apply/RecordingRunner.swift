import Foundation

/// Wraps the real runner for one change: logs each command's argv as it starts and keeps a record of it for
/// the change's report. Retries and the journal wrap the runner like this, never the resource types.
final class RecordingRunner: ProcessRunner, @unchecked Sendable {
    private let base: any ProcessRunner
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var records: [CommandRecord] = []

    init(base: any ProcessRunner, log: @escaping @Sendable (String) -> Void) {
        self.base = base
        self.log = log
    }

    var commands: [CommandRecord] { lock.withLock { records } }

    func run(_ command: Command) async throws -> CommandResult {
        log("$ " + command.description)
        do {
            let result = try await base.run(command)
            lock.withLock {
                records.append(CommandRecord(arguments: command.displayArguments, status: result.status,
                                             duration: result.duration, outputTail: result.tail(lines: 20)))
            }
            return result
        } catch {
            lock.withLock {
                records.append(CommandRecord(arguments: command.displayArguments, status: -1, duration: 0,
                                             outputTail: "\(error)"))
            }
            throw error
        }
    }
}
