/// One parameter of a resource type: its kind, whether it is required, how it compares and changes.
public struct ParameterSchema: Sendable, Hashable {
    public var name: String
    public var kind: ParameterKind
    public var required: Bool
    /// Used when the user does not set the parameter; never compared by the planner.
    public var defaultValue: Value?
    /// The only values allowed, for enumerations (`ensure`, a key's `type`).
    public var allowedValues: [String]?
    /// True for the parameter that names the resource in its address.
    public var isKey: Bool
    /// True when a change of this parameter alone is a modify; false makes it a recreate.
    public var modifiable: Bool
    /// True when the value must never be shown or stored in clear.
    public var sensitive: Bool
    public var comparison: Comparison
    /// One line, for `tend types TYPE` and the JSON Schema.
    public var summary: String
    /// A value as the user would write it in YAML.
    public var example: String?
    /// True for a string whose leading `~/` means the home directory, as in a path, though the rest is taken
    /// literally (an environment variable's value: the profile quotes it, so no shell would expand it later).
    public var expandsHome = false

    public init(
        _ name: String, _ kind: ParameterKind, required: Bool = false, default defaultValue: Value? = nil,
        allowed allowedValues: [String]? = nil, key isKey: Bool = false, modifiable: Bool = true,
        sensitive: Bool = false, comparison: Comparison? = nil, summary: String, example: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.required = required || isKey
        self.defaultValue = defaultValue
        self.allowedValues = allowedValues
        self.isKey = isKey
        self.modifiable = modifiable && !isKey
        self.sensitive = sensitive
        self.comparison = comparison ?? {
            switch kind {
            case .path: return .path
            case .mode: return .mode
            default: return .exact
            }
        }()
        self.summary = summary
        self.example = example
    }
}
