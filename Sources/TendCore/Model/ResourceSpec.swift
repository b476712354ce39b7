/// One resource as the config declares it, decoded, interpolated and checked against its type's schema.
public struct ResourceSpec: Sendable {
    public enum Ensure: String, Sendable, Hashable {
        case present, absent
    }

    /// How often to try a retryable failure, and the first wait between tries.
    public struct RetryPolicy: Sendable, Hashable {
        public var attempts: Int
        public var backoff: Double

        public init(attempts: Int = 3, backoff: Double = 1) {
            self.attempts = attempts
            self.backoff = backoff
        }
    }

    public var address: Address
    public var type: String
    /// The parameters the user set (interpolated and normalised); defaults are not included.
    public var parameters: [String: Value]
    public var dependsOn: [Address]
    public var ensure: Ensure
    public var tags: [String]
    /// Names of parameters never shown or stored in clear: the user's `sensitive:` list and the schema's own.
    public var sensitive: Set<String>
    public var retry: RetryPolicy?
    /// Seconds one command may run.
    public var timeout: Double?
    /// False when `when` does not match this host: the resource is checked but not planned.
    public var isActive: Bool
    /// Where the resource starts in its file.
    public var location: SourceLocation
    /// Where each parameter's value was written.
    public var parameterLocations: [String: SourceLocation]
    /// The directory of the file that declared the resource; relative paths were resolved against it.
    public var baseDirectory: String
    /// `${outputs.ADDRESS.KEY}` references, resolved at apply time.
    public var outputReferences: [OutputReference]
    /// True when leaving the config releases it instead of destroying it (`keep: true`, or the type's default).
    public var keep: Bool = false
    /// Where each `dependsOn` entry was written, for messages about unknown addresses.
    public var dependsOnLocations: [(Address, SourceLocation)] = []

    public init(address: Address, type: String, parameters: [String: Value], dependsOn: [Address] = [],
                ensure: Ensure = .present, tags: [String] = [], sensitive: Set<String> = [],
                retry: RetryPolicy? = nil, timeout: Double? = nil, isActive: Bool = true,
                location: SourceLocation, parameterLocations: [String: SourceLocation] = [:],
                baseDirectory: String = "/", outputReferences: [OutputReference] = []) {
        self.address = address
        self.type = type
        self.parameters = parameters
        self.dependsOn = dependsOn
        self.ensure = ensure
        self.tags = tags
        self.sensitive = sensitive
        self.retry = retry
        self.timeout = timeout
        self.isActive = isActive
        self.location = location
        self.parameterLocations = parameterLocations
        self.baseDirectory = baseDirectory
        self.outputReferences = outputReferences
    }

    public func isSensitive(_ parameter: String) -> Bool { sensitive.contains(parameter) }

    /// The parameter's value as shown to a person: "(sensitive)" for sensitive parameters.
    public func displayValue(_ parameter: String) -> String? {
        guard let value = parameters[parameter] else { return nil }
        return isSensitive(parameter) ? "(sensitive)" : value.description
    }
}

/// A reference to another resource's output, `${outputs.ADDRESS.KEY}`, known after that resource applies.
public struct OutputReference: Sendable, Hashable {
    public var address: Address
    public var key: String
    /// The parameter whose value holds the reference.
    public var parameter: String

    public init(address: Address, key: String, parameter: String) {
        self.address = address
        self.key = key
        self.parameter = parameter
    }

    /// The placeholder text as written in the config.
    public var placeholder: String { "${outputs.\(address).\(key)}" }
}

extension Array where Element == ResourceSpec {
    /// The resources whose `when` matches this host: usually all of them, and then this array, not a copy.
    var active: [ResourceSpec] { allSatisfy(\.isActive) ? self : filter(\.isActive) }
}
