/// A kind of resource: its schema, and how to read it from the host.
///
/// Refresh takes every resource of the type at once so that one host query serves them all; it never changes
/// the host, and it reports resources it cannot read as absent with a note rather than failing the whole type
/// when only one of them is affected.
public protocol ResourceType: Sendable {
    var schema: TypeSchema { get }

    /// The current state of each resource, keyed by address; a missing key means absent.
    func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation]

    /// A short sentence for the plan ("Install package ripgrep").
    func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                 observation: Observation?) -> String

    /// What apply would refuse that only the host shows (a directory with files where a file should go),
    /// for a resource that should be present; reads the host, never changes it. The plan fails on any.
    func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem]

    /// What apply would refuse when removing the resource (`ensure: absent`, `tend destroy`) that only the host
    /// shows (a link where a directory was expected); reads the host, never changes it. The plan fails on any.
    func removalProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem]

    /// What the plan calls the resource in "Stop managing ..." ("~/.vimrc", "git config user.name").
    func subject(of resource: ResourceSpec) -> String

    /// The footprint of what is there now (see `PathFootprint`), for types whose work a user can edit (files,
    /// links, directories, keys, settings); nil for the others and when nothing is there. Reads, never changes.
    func footprint(of resource: ResourceSpec, host: Machine) -> String?

    /// True when the first change to something that was already there keeps it as the original (files,
    /// links, directories, git values), so that a release can put it back.
    var keepsOriginals: Bool { get }
}

extension ResourceType {
    public var name: String { schema.name }

    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        []
    }

    public func removalProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        []
    }

    public func subject(of resource: ResourceSpec) -> String { "\(schema.name) \(resource.address.key)" }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? { nil }

    public var keepsOriginals: Bool { false }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let noun = "\(schema.name) \(resource.address.key)"
        switch operation {
        case .create: return "Create \(noun)"
        case .modify:
            return "Update \(noun): " + changes.map(\.name).joined(separator: ", ")
        case .recreate: return "Replace \(noun)"
        case .destroy: return "Remove \(noun)"
        case .release: return "Stop managing \(noun) (left as it is)"
        }
    }
}

/// The resource types tend knows, handed to the engine by the CLI: the Swift types, held ready, and an optional
/// library of declarative types that are read only when a config names them.
public struct TypeRegistry: Sendable {
    /// The Swift types, by name; declarative types are not in here until `subscript` or `all` loads them.
    public private(set) var types: [String: any ResourceType]
    private var order: [String]
    /// Declarative types by name; a Swift type's name always wins over the library's.
    public let library: (any TypeLibrary)?

    public init(_ types: [any ResourceType], library: (any TypeLibrary)? = nil) {
        self.types = [:]
        self.order = []
        self.library = library
        for type in types where self.types[type.schema.name] == nil {
            self.types[type.schema.name] = type
            order.append(type.schema.name)
        }
    }

    /// The type named `name`: a Swift type, else the library's (loading its definition the first time).
    public subscript(name: String) -> (any ResourceType)? {
        if let type = types[name] { return type }
        return library?.type(named: name)
    }

    /// The schemas a config may name: every type but those the engine adds by itself (`ImpliedResourceType`);
    /// the library's stay unread until asked for.
    public var catalog: SchemaCatalog {
        SchemaCatalog(order.compactMap { types[$0] is any ImpliedResourceType ? nil : types[$0]!.schema },
                      library: library)
    }

    /// The Swift types, in registration order; reads no definition.
    public var builtins: [any ResourceType] { order.map { types[$0]! } }

    /// The library's names that a Swift type does not shadow, sorted; reads no definition.
    public var libraryNames: [String] {
        (library?.typeNames ?? []).filter { types[$0] == nil }
    }

    /// Every type: the Swift ones, then each loadable definition (this reads them all: for `tend types` and
    /// `tend schema`, not for a plan).
    public var all: [any ResourceType] {
        builtins + libraryNames.compactMap { library?.type(named: $0) }
    }
}

/// The apply side of a resource type (DESIGN section 2, "Apply").
public protocol ApplyingResourceType: ResourceType {
    /// How many ready changes the executor may merge into one `apply` call; 1 means no batching.
    var batchSize: Int { get }
    /// Changes whose types share a lock group never run at the same time (`dpkg`, `brew`).
    var lockGroup: String? { get }
    /// True when the change needs root; tend then runs its commands with `sudo -n` when it is not root.
    func needsPrivilege(_ request: ChangeRequest, host: Machine) -> Bool
    /// Makes the changes and reports each address's outcome. Must be idempotent: applying a change to a
    /// resource already in the desired state succeeds without harm. Never throws: failures are outcomes.
    func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes
    /// True when a release goes through `apply` (a setting whose original only the type can put back); false
    /// when the backup keeper puts back the kept files itself.
    var putsBackItself: Bool { get }
}

extension ApplyingResourceType {
    public var putsBackItself: Bool { false }
    public var batchSize: Int { 1 }
    public var lockGroup: String? { nil }
    public func needsPrivilege(_ request: ChangeRequest, host: Machine) -> Bool { false }
}
