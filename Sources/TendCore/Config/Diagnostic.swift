/// One problem found in a config: what is wrong, where, and how to fix it.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    /// Lowercase, self-contained, names the thing and quotes the bad value.
    public var message: String
    /// Where the problem is; nil for problems with no place (a missing root file).
    public var location: SourceLocation?
    /// What to do about it, when there is something useful to say.
    public var hint: String?

    public init(_ severity: Severity = .error, _ message: String, at location: SourceLocation?, hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
    }

    public static func error(_ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: location, hint: hint)
    }

    public static func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: location, hint: hint)
    }
}
