/// Everything the engine knows about a resource type without talking to the host: its parameters, its key,
/// the sugar it accepts, its cross-parameter rules and the dependencies it implies.
public struct TypeSchema: Sendable {
    /// A rule over several parameters that a per-parameter check cannot express.
    public enum Rule: Sendable, Hashable {
        /// At most one of these may be set.
        case mutuallyExclusive([String])
        /// At least one of these must be set when the resource is present.
        case oneRequired([String])
    }

    public var name: String
    /// One line for `tend types`.
    public var summary: String
    public var parameters: [ParameterSchema]
    /// True when `packages: [a, b]` expands to one resource per package, each with the key set.
    public var acceptsPackageList: Bool
    public var rules: [Rule]
    /// Resources this type depends on when the config declares them (a git-clone needs `apt:git`).
    public var impliedDependencies: [Address]
    /// A complete resource as YAML, shown by `tend types TYPE`.
    public var example: String
    /// The type's own checks of values apply would refuse (names, syntax, a `source:` that must exist); run by
    /// the loader on every resource, and by the planner again once `${outputs...}` are filled in.
    public var valueCheck: ValueCheck?

    /// Problems with one resource's values; must not change anything and should be cheap (it runs per resource).
    public typealias ValueCheck = @Sendable (ResourceSpec, ValueCheckContext) -> [ValueProblem]

    /// True when a resource of this type leaving the config is released, not destroyed, unless it says
    /// `keep: false` (an ssh key: losing one locks its owner out).
    public var keptByDefault: Bool

    public init(
        name: String, summary: String, parameters: [ParameterSchema], acceptsPackageList: Bool = false,
        rules: [Rule] = [], impliedDependencies: [Address] = [], example: String, valueCheck: ValueCheck? = nil,
        keptByDefault: Bool = false
    ) {
        self.keptByDefault = keptByDefault
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.acceptsPackageList = acceptsPackageList
        self.rules = rules
        self.impliedDependencies = impliedDependencies
        self.example = example
        self.valueCheck = valueCheck
    }

    /// The problems `valueCheck` finds, leaving out parameters whose `${outputs...}` are not known yet (apply
    /// checks those itself).
    public func valueProblems(_ resource: ResourceSpec, context: ValueCheckContext) -> [ValueProblem] {
        guard let valueCheck else { return [] }
        let problems = valueCheck(resource, context)
        guard !problems.isEmpty, !resource.outputReferences.isEmpty else { return problems }
        let unknown = Set(resource.outputReferences.map(\.parameter))
        return problems.filter { !unknown.contains($0.parameter) }
    }

    /// The parameter that names the resource in its address.
    public var keyParameter: ParameterSchema {
        parameters.first(where: \.isKey) ?? parameters[0]
    }

    public func parameter(_ name: String) -> ParameterSchema? {
        parameters.first { $0.name == name }
    }

    /// Problems with parameters a change handed back (a plugin's CONTROL message, a resolved version): each
    /// must be a parameter of this type, of its kind and, for enumerations, one of its values.
    public func problems(in updated: [String: Value]) -> [String] {
        var problems: [String] = []
        for name in updated.keys.sorted() {
            let value = updated[name]!
            guard let parameter = parameter(name) else {
                problems.append("'\(name)' is not a parameter of type \(self.name)")
                continue
            }
            if parameter.isKey {
                problems.append("'\(name)' names the resource and cannot be changed")
                continue
            }
            let fits: Bool
            switch (parameter.kind, value) {
            case (.string, .string), (.path, .string), (.int, .int), (.bool, .bool), (.map, .map): fits = true
            case (.string, .int), (.string, .bool): fits = true
            case (.mode, .string(let text)): fits = FileMode(text) != nil
            case (.list, .list): fits = true
            default: fits = false
            }
            if !fits {
                problems.append("'\(name)' of type \(self.name) expects \(parameter.kind.expectation), got \(value)")
            } else if let allowed = parameter.allowedValues, let text = value.stringValue, !allowed.contains(text) {
                problems.append("'\(text)' is not a valid value for '\(name)' (expected one of: \(allowed.joined(separator: ", ")))")
            }
        }
        return problems
    }
}

/// The set of type schemas a config is checked against; the CLI builds it from the registered types. Schemas
/// of a `TypeLibrary` are read the first time they are asked for, by name.
public struct SchemaCatalog: Sendable {
    /// The schemas held ready (the Swift types'); a library's schemas are reached through `subscript` and `all`.
    public private(set) var types: [String: TypeSchema]
    private let library: (any TypeLibrary)?

    public init(_ schemas: [TypeSchema], library: (any TypeLibrary)? = nil) {
        types = Dictionary(schemas.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.library = library
    }

    /// The schema named `name`, loading a library definition on first use.
    public subscript(name: String) -> TypeSchema? {
        if let schema = types[name] { return schema }
        return library?.type(named: name)?.schema
    }

    /// Every name a config may use, sorted; reads no definition.
    public var names: [String] {
        var all = Set(types.keys)
        if let library { all.formUnion(library.typeNames) }
        return all.sorted()
    }

    /// Every schema, sorted by name; reads every library definition (a broken one is left out).
    public var all: [TypeSchema] { names.compactMap { self[$0] } }

    /// Why the definition of type `name` cannot be used (its file and position); empty for a usable or a Swift
    /// type, and for a name nothing defines.
    public func definitionProblems(_ name: String) -> [Diagnostic] {
        guard types[name] == nil, let library else { return [] }
        return library.problems(named: name)
    }
}
