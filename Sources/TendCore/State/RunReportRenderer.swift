import Foundation

/// `tend history` and `tend report`: runs and their operation reports as text, JSON or Markdown.
public struct RunReportRenderer: Sendable {
    public init() {}

    // ISO8601DateFormatter is thread-safe for formatting; it is only ever used to format.
    nonisolated(unsafe) static let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    public static func time(_ date: Date?) -> String {
        date.map { formatter.string(from: $0) } ?? "-"
    }

    static func duration(_ run: RunRecord) -> String {
        guard let end = run.endedAt else { return "-" }
        return String(format: "%.1fs", end.timeIntervalSince(run.startedAt))
    }

    public func historyText(_ runs: [RunRecord]) -> String {
        guard !runs.isEmpty else { return "No runs yet: 'tend apply' records each run here.\n" }
        var out = "RUN  KIND     STATUS       STARTED               TIME    CONFIG\n"
        for run in runs {
            out += String(run.id).padding(toLength: 5, withPad: " ", startingAt: 0)
                + run.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                + run.status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
                + Self.time(run.startedAt).padding(toLength: 22, withPad: " ", startingAt: 0)
                + Self.duration(run).padding(toLength: 8, withPad: " ", startingAt: 0)
                + TerminalText.escape(run.configPath) + "\n"
        }
        return out
    }

    public func runJSON(_ run: RunRecord) -> JSON {
        .object([
            ("id", .int(Int(run.id))), ("kind", .string(run.kind.rawValue)), ("status", .string(run.status.rawValue)),
            ("startedAt", .string(Self.time(run.startedAt))), ("endedAt", run.endedAt.map { .string(Self.time($0)) } ?? .null),
            ("config", .string(run.configPath)), ("configDigest", .string(run.configDigest)),
            ("pid", .int(Int(run.pid))), ("hostname", .string(run.hostname)),
        ])
    }

    public func reportJSON(_ report: OperationReport) -> JSON {
        .object([
            ("address", .string(report.address.description)), ("operation", .string(report.operation.rawValue)),
            ("status", .string(report.status.rawValue)), ("attempts", .int(report.attempts)),
            ("duration", .double(report.duration)),
            ("commands", .array(report.commands.map { command in
                .object([("argv", .array(command.arguments.map { .string($0) })), ("status", .int(Int(command.status))),
                         ("duration", .double(command.duration)), ("outputTail", .string(command.outputTail))])
            })),
            ("outputs", Value.map(report.outputs).json), ("error", report.error.map { .string($0) } ?? .null),
        ])
    }

    public func reportText(_ run: RunRecord, _ reports: [OperationReport]) -> String {
        var out = "Run \(run.id): \(run.kind.rawValue), \(run.status.rawValue), started \(Self.time(run.startedAt)), took \(Self.duration(run))\n"
        // Addresses, paths, outputs and errors come from configs and commands: printed with their control
        // characters escaped, so that none can forge a line of the report.
        out += "Config: \(TerminalText.escape(run.configPath)) (\(TerminalText.escape(run.configDigest)))\n\n"
        if reports.isEmpty { return out + "No changes were recorded.\n" }
        for report in reports {
            out += "\(report.status.rawValue.uppercased()) \(report.operation.rawValue) \(TerminalText.escape(report.address.description))"
                + String(format: " (%.1fs, %d attempt%@)", report.duration, report.attempts, report.attempts == 1 ? "" : "s") + "\n"
            for command in report.commands {
                out += "    $ " + command.arguments.map(ShellQuoting.quote).joined(separator: " ") + "  -> exit \(command.status)\n"
                if command.status != 0 && !command.outputTail.isEmpty {
                    out += TerminalText.escapeLines(command.outputTail).split(separator: "\n").map { "      " + $0 }
                        .joined(separator: "\n") + "\n"
                }
            }
            for key in report.outputs.keys.sorted() {
                out += "    output " + TerminalText.escape("\(key) = \(report.outputs[key]!)") + "\n"
            }
            if let error = report.error {
                out += "    error: " + TerminalText.escapeLines(error).replacingOccurrences(of: "\n", with: "\n      ") + "\n"
            }
        }
        return out
    }

    public func reportMarkdown(_ run: RunRecord, _ reports: [OperationReport]) -> String {
        var out = "### tend run \(run.id): \(run.kind.rawValue) \(run.status.rawValue)\n\n"
        out += "Started \(Self.time(run.startedAt)), took \(Self.duration(run)); config `\(TerminalText.escape(run.configPath))`.\n\n"
        out += "| Resource | Operation | Status | Attempts | Time | Error |\n|---|---|---|---|---|---|\n"
        for report in reports {
            let error = TerminalText.escape((report.error ?? "").replacingOccurrences(of: "\n", with: " "))
                .replacingOccurrences(of: "|", with: "\\|")
            out += "| `\(TerminalText.escape(report.address.description))` | \(report.operation.rawValue) | \(report.status.rawValue) | \(report.attempts) | "
                + String(format: "%.1fs", report.duration) + " | \(error) |\n"
        }
        return out
    }
}
