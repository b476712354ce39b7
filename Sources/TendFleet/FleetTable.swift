import Foundation
import TendCore

/// The table that ends a fleet run: host, result, changes, duration; then one line per failed host saying why.
public enum FleetTable {
    public static func render(_ outcomes: [HostOutcome]) -> String {
        let rows = outcomes.map { outcome -> [String] in
            let changes = outcome.changes.map { count in
                outcome.failedChanges > 0 ? "\(count) (\(outcome.failedChanges) failed)" : String(count)
            } ?? "-"
            return [TerminalText.escape(outcome.host), outcome.result.rawValue, changes, Self.seconds(outcome.duration)]
        }
        let header = ["HOST", "RESULT", "CHANGES", "DURATION"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }
        var text = line(header) + rows.map(line).joined()
        for outcome in outcomes where !outcome.succeeded {
            text += "\(TerminalText.escape(outcome.host)): \(TerminalText.escape(outcome.message ?? outcome.result.rawValue))\n"
        }
        let failed = outcomes.filter { !$0.succeeded }.count
        text += failed == 0 ? "\(outcomes.count) host\(outcomes.count == 1 ? "" : "s"), all succeeded.\n"
            : "\(outcomes.count) hosts, \(failed) failed.\n"
        return text
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1fs", value) : String(format: "%.0fs", value)
    }
}
