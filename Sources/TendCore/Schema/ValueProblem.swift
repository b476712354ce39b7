/// A value apply would refuse, found before apply: the parameter that holds it, why, and what to do instead.
public struct ValueProblem: Sendable, Hashable {
    /// The parameter the message points at; its written location is where the diagnostic goes.
    public var parameter: String
    /// Lowercase and self-contained: names the thing and quotes the value.
    public var message: String
    public var hint: String?

    public init(_ parameter: String, _ message: String, hint: String? = nil) {
        self.parameter = parameter
        self.message = message
        self.hint = hint
    }
}
