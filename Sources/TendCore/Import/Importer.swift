/// `tend import` and `tend init`: asks each importing type what the host has. Reads the host, never changes it.
public struct Importer: Sendable {
    public var registry: TypeRegistry
    public var host: Machine

    public init(registry: TypeRegistry, host: Machine) {
        self.registry = registry
        self.host = host
    }

    /// The types that can list what the host has, in the order `tend types` lists them.
    public var importableNames: [String] {
        registry.all.compactMap { $0 is any ImportingResourceType ? $0.name : nil }
    }

    /// What each named type finds, in the order asked; a type whose tool is missing or whose listing fails
    /// reports why instead of failing the others. The types are asked at the same time (one host query each).
    public func discover(_ names: [String]) async -> [ImportedType] {
        await withTaskGroup(of: (Int, ImportedType).self) { group in
            for (index, name) in names.enumerated() {
                group.addTask {
                    (index, await discover(name))
                }
            }
            var found: [(Int, ImportedType)] = []
            for await item in group { found.append(item) }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func discover(_ name: String) async -> ImportedType {
        guard let type = registry[name] else {
            return ImportedType(name: name, schema: nil, resources: [], problem: "no such type")
        }
        guard let importing = type as? any ImportingResourceType else {
            return ImportedType(name: name, schema: type.schema, resources: [],
                                problem: "type \(name) cannot list what the host has")
        }
        do {
            let resources = try await importing.inventory(host: host)
            let key = type.schema.keyParameter.name
            return ImportedType(name: name, schema: type.schema,
                                resources: resources.filter { $0.parameters[key] != nil }, problem: nil)
        } catch {
            return ImportedType(name: name, schema: type.schema, resources: [], problem: "\(error)")
        }
    }
}

/// What one type found on the host, or why it found nothing.
public struct ImportedType: Sendable {
    public var name: String
    public var schema: TypeSchema?
    public var resources: [DiscoveredResource]
    /// Why the type could not list anything ("npm is not installed"); nil when it listed what there is.
    public var problem: String?

    public init(name: String, schema: TypeSchema?, resources: [DiscoveredResource], problem: String?) {
        self.name = name
        self.schema = schema
        self.resources = resources
        self.problem = problem
    }

    /// The address each resource would have in a config.
    public func address(of resource: DiscoveredResource, home: String) -> Address? {
        guard let schema, let key = resource.parameters[schema.keyParameter.name]?.text else { return nil }
        if schema.keyParameter.kind == .path {
            return Address(type: name, key: PathNormalizer.addressForm(key, home: home))
        }
        return Address(type: name, key: key)
    }

    /// The same type with only the resources `keep` says yes to.
    public func filtered(_ keep: (DiscoveredResource) -> Bool) -> ImportedType {
        ImportedType(name: name, schema: schema, resources: resources.filter(keep), problem: problem)
    }
}
