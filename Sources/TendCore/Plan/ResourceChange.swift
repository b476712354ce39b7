/// What the plan does to one resource.
public enum ResourceOperation: String, Sendable, Hashable, CaseIterable {
    case create, modify, recreate, destroy, release

    /// The symbol the text report puts before the address.
    public var symbol: String {
        switch self {
        case .create: return "+"
        case .modify: return "~"
        case .recreate: return "±"
        case .destroy: return "-"
        case .release: return "<"
        }
    }
}

/// What the plan does to one parameter.
public enum ParameterOperation: String, Sendable, Hashable {
    case add, modify, remove, noop = "no-op"
}

/// One parameter's before and after; values of sensitive parameters are never held in clear here.
public struct ParameterChange: Sendable, Hashable {
    public var name: String
    public var operation: ParameterOperation
    public var before: Value?
    public var after: Value?
    /// True when the values are digests standing for sensitive values.
    public var sensitive: Bool
    /// False when this change alone forces a recreate.
    public var modifiable: Bool
    /// True when `after` holds `${outputs...}` and is known only at apply time.
    public var knownAfterApply: Bool

    public init(name: String, operation: ParameterOperation, before: Value?, after: Value?, sensitive: Bool = false,
                modifiable: Bool = true, knownAfterApply: Bool = false) {
        self.name = name
        self.operation = operation
        self.before = before
        self.after = after
        self.sensitive = sensitive
        self.modifiable = modifiable
        self.knownAfterApply = knownAfterApply
    }
}

/// One planned change: an inert value that renderers show and the executor runs.
public struct ResourceChange: Sendable, Hashable {
    public var address: Address
    public var type: String
    public var operation: ResourceOperation
    public var parameters: [ParameterChange]
    /// A sentence for people ("Install package ripgrep").
    public var message: String
    /// Why ("not installed", "version 14.0 does not match 15.*").
    public var reason: String
    public var dependsOn: [Address]
    /// `sha256:` of the refreshed state, so a saved plan can tell when the host changed since.
    public var fingerprint: String
    /// A unified diff of file content, when content changes.
    public var diff: String?

    public init(address: Address, type: String, operation: ResourceOperation, parameters: [ParameterChange],
                message: String, reason: String, dependsOn: [Address], fingerprint: String, diff: String? = nil) {
        self.address = address
        self.type = type
        self.operation = operation
        self.parameters = parameters
        self.message = message
        self.reason = reason
        self.dependsOn = dependsOn
        self.fingerprint = fingerprint
        self.diff = diff
    }
}
