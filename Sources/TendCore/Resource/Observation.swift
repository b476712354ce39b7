/// What refresh found for one resource: absent, or present with its current parameters.
public struct Observation: Sendable, Hashable {
    /// False when the resource is not on the host.
    public var exists: Bool
    /// Current values of the parameters the type can read back, by the schema's names and kinds.
    public var parameters: [String: Value]
    /// Why it is absent or differs, in a few words ("not installed", "check exited 1").
    public var note: String?
    /// Text the report shows as a diff when content differs: the current and the desired text.
    public var contentChange: ContentChange?

    public init(exists: Bool, parameters: [String: Value] = [:], note: String? = nil,
                contentChange: ContentChange? = nil) {
        self.exists = exists
        self.parameters = parameters
        self.note = note
        self.contentChange = contentChange
    }

    public static func absent(_ note: String? = nil) -> Observation {
        Observation(exists: false, note: note)
    }

    public static func present(_ parameters: [String: Value], note: String? = nil) -> Observation {
        Observation(exists: true, parameters: parameters, note: note)
    }
}

/// The text of a file now and as the config wants it, for a unified diff in the plan.
public struct ContentChange: Sendable, Hashable {
    public var path: String
    public var before: String
    public var after: String

    public init(path: String, before: String, after: String) {
        self.path = path
        self.before = before
        self.after = after
    }
}
