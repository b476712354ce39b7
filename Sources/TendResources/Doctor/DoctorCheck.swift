import TendCore

/// One thing `tend doctor` looked at: what it found and, when something is wrong, how to fix it.
public struct DoctorCheck: Sendable, Equatable {
    /// How a check came out. Only `problem` makes `tend doctor` exit 1.
    public enum Status: String, Sendable {
        case ok, warning, problem, skipped
    }

    /// The family of the check: "config", "shell hook", "shell", "state", "lock", "sudo", "package manager".
    public var area: String
    /// What was checked, in the user's terms ("~/.bashrc", "bash -ic", "apt-get").
    public var subject: String
    public var status: Status
    /// What was found, as a sentence.
    public var finding: String
    /// What to do about it; nil when nothing needs doing.
    public var fix: String?

    public init(_ area: String, _ subject: String, _ status: Status, _ finding: String, fix: String? = nil) {
        self.area = area
        self.subject = subject
        self.status = status
        self.finding = finding
        self.fix = fix
    }

    /// The check as one JSON object: area, subject, status, finding, fix (null when none).
    public var json: JSON {
        .object([("area", .string(area)), ("subject", .string(subject)), ("status", .string(status.rawValue)),
                 ("finding", .string(finding)), ("fix", fix.map(JSON.string) ?? .null)])
    }
}
