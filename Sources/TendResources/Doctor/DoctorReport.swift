import TendCore

/// Everything `tend doctor` found, in the order it looked. Healthy when no check found a problem (warnings and
/// skipped checks are shown, but do not fail).
public struct DoctorReport: Sendable {
    public var checks: [DoctorCheck]

    public init(checks: [DoctorCheck]) {
        self.checks = checks
    }

    public var isHealthy: Bool { !checks.contains { $0.status == .problem } }

    /// One line per check, its fix indented under it, and a closing sentence. Control characters in paths and
    /// command output are escaped.
    public var text: String {
        var lines: [String] = []
        for check in checks {
            let label: String
            switch check.status {
            case .ok: label = "ok     "
            case .warning: label = "warning"
            case .problem: label = "PROBLEM"
            case .skipped: label = "skipped"
            }
            lines.append("\(label) \(check.area): \(TerminalText.escape(check.subject)): \(TerminalText.escape(check.finding))")
            if let fix = check.fix { lines.append("        fix: \(TerminalText.escape(fix))") }
        }
        let problems = checks.filter { $0.status == .problem }.count
        lines.append(problems == 0 ? "\nNo problems found."
                     : "\n\(problems) problem\(problems == 1 ? "" : "s") found; each says how to fix it.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"healthy": Bool, "checks": [...]}`.
    public var json: JSON {
        .object([("healthy", .bool(isHealthy)), ("checks", .array(checks.map(\.json)))])
    }
}
