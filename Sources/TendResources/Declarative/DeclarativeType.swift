import Foundation
import TendCore

/// A resource type described by a YAML definition: refresh runs its one list command for every resource of the
/// type, apply fills its argv templates (one argv element per template element, never through a shell).
public struct DeclarativeType: ApplyingResourceType, ImportingResourceType {
    let definition: TypeDefinition
    /// Where the definition came from, for `tend types`.
    public let origin: DefinitionOrigin

    init(definition: TypeDefinition, origin: DefinitionOrigin) {
        self.definition = definition
        self.origin = origin
    }

    public var schema: TypeSchema { definition.schema }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        func allAbsent(_ note: String) -> [Address: Observation] {
            Dictionary(resources.map { ($0.address, Observation.absent(note)) }, uniquingKeysWith: { first, _ in first })
        }
        if let other = otherOS(host) { return allAbsent(other) }
        if let missing = missingProgram(host) { return allAbsent("\(missing) is not installed") }

        var observations: [Address: Observation] = [:]
        for (_, group) in listGroups(resources) {
            let items: [[String: Value]]
            do {
                items = try await listItems(for: group[0], host: host,
                                            timeout: group.compactMap(\.timeout).max())
            } catch CommandError.launchFailed {
                for resource in group { observations[resource.address] = .absent("\(program) is not installed") }
                continue
            }
            for resource in group {
                let wanted = keyValue(of: resource)
                if let item = items.first(where: { matches($0, wanted) }) {
                    var parameters = item
                    parameters[definition.keyParameter.name] = .string(wanted)
                    observations[resource.address] = .present(parameters)
                } else {
                    observations[resource.address] = .absent("not installed")
                }
            }
        }
        return observations
    }

    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        guard let other = otherOS(host) else { return [] }
        return [ValueProblem(definition.keyParameter.name, "type \(definition.name): \(other)",
                             hint: "add 'when: {os: \(definition.os[0])}' to the resource")]
    }

    public func removalProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        guard definition.destroy == nil, observation?.exists == true else { return [] }
        return [ValueProblem(definition.keyParameter.name,
                             "type \(definition.name) has no destroy command, so tend cannot remove "
                                + "\(Value.string(keyValue(of: resource)))",
                             hint: "remove it by hand, or keep it: 'keep: true' releases it instead")]
    }

    public func inventory(host: Machine) async throws -> [DiscoveredResource] {
        guard definition.importable, definition.list.argv.parameterNames.isEmpty,
              otherOS(host) == nil, missingProgram(host) == nil else { return [] }
        let items = try await listItems(for: nil, host: host, timeout: nil)
        let key = definition.keyParameter.name
        var found: [String: DiscoveredResource] = [:]
        for item in items {
            guard let name = item[key]?.stringValue, !name.isEmpty, found[name] == nil else { continue }
            var parameters: [String: Value] = [:]
            for (field, value) in item where schema.parameter(field)?.comparison != .createOnly || field == key {
                parameters[field] = value
            }
            found[name] = DiscoveredResource(parameters: parameters)
        }
        return found.keys.sorted().map { found[$0]! }
    }

    // MARK: - Helpers

    /// The program the list command runs, for "not installed" notes.
    var program: String {
        definition.list.argv.strings.first?.literal.map(DefinitionLoader.basename) ?? definition.name
    }

    /// "applies only to macos" when this host's OS is not one the definition lists.
    func otherOS(_ host: Machine) -> String? {
        guard !definition.os.isEmpty, !definition.os.contains(host.facts.os) else { return nil }
        return "applies only to " + definition.os.joined(separator: ", ") + ", not \(host.facts.os)"
    }

    /// The first required program not found on PATH; looks at the file system only, spawns nothing.
    func missingProgram(_ host: Machine) -> String? {
        let path = host.facts.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
        for program in definition.requires {
            let candidates = program.contains("/") ? [program] : directories.map { $0 + "/" + program }
            let found = candidates.contains { candidate in
                var info = stat()
                return stat(candidate, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(candidate, X_OK) == 0
            }
            if !found { return program }
        }
        return nil
    }

    /// The key the user wrote (the key parameter, else the address key).
    func keyValue(of resource: ResourceSpec) -> String {
        resource.parameters[definition.keyParameter.name]?.text ?? resource.address.key
    }

    func matches(_ item: [String: Value], _ key: String) -> Bool {
        guard let listed = item[definition.keyParameter.name]?.text else { return false }
        switch definition.keyMatch {
        case .exact: return listed == key
        case .caseInsensitive: return listed.lowercased() == key.lowercased()
        }
    }

    /// The values a resource fills templates with: the user's, else the schema's defaults.
    func values(of resource: ResourceSpec) -> TemplateExpansion.Values {
        var parameters = resource.parameters
        for parameter in schema.parameters where parameters[parameter.name] == nil {
            if let value = parameter.defaultValue { parameters[parameter.name] = value }
        }
        return TemplateExpansion.Values(parameters: parameters, allowDash: definition.allowDash)
    }

    /// Resources grouped by the values of the parameters the list command names (one group when it names none).
    func listGroups(_ resources: [ResourceSpec]) -> [(String, [ResourceSpec])] {
        let names = definition.list.argv.parameterNames.sorted()
        var groups: [String: [ResourceSpec]] = [:]
        var order: [String] = []
        for resource in resources {
            let all = values(of: resource).parameters
            let key = names.map { all[$0]?.text ?? "" }.joined(separator: "\u{0}")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(resource)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// Runs the list command (filled from `resource`'s values) and reads its items; the items carry the values
    /// of the parameters the command names.
    func listItems(for resource: ResourceSpec?, host: Machine, timeout: Double?) async throws -> [[String: Value]] {
        let filled = resource.map(values) ?? TemplateExpansion.Values(parameters: [:], allowDash: definition.allowDash)
        let argv: [String]
        do {
            argv = try TemplateExpansion.expand(definition.list.argv, values: filled, host: host.facts)
        } catch {
            throw DeclarativeError.template(type: definition.name, role: "list", error)
        }
        let command = Command(argv, environment: definition.list.environment,
                              timeout: timeout ?? definition.timeout, privileged: false)
        let result = try await host.runner.run(command)
        guard !result.signaled, definition.list.exitCodes.contains(result.status) else {
            throw DeclarativeError.listFailed(type: definition.name, CommandError.failed(result))
        }
        var items: [[String: Value]]
        do {
            items = try ListOutput.items(result.output, reading: definition.list.reading,
                                         kinds: Dictionary(schema.parameters.map { ($0.name, $0.kind) },
                                                           uniquingKeysWith: { first, _ in first }))
        } catch {
            throw DeclarativeError.unreadableList(type: definition.name, command: command, reason: "\(error)")
        }
        let carried = definition.list.argv.parameterNames
        if !carried.isEmpty {
            for index in items.indices {
                for name in carried where items[index][name] == nil { items[index][name] = filled.parameters[name] }
            }
        }
        return items
    }
}

/// Where a declarative type's definition came from.
public enum DefinitionOrigin: Sendable, Hashable {
    /// Shipped with tend (`resources/types/`, compiled in).
    case shipped
    /// The user's `~/.config/tend/types/NAME.yaml`; `replacesShipped` when tend ships one of the same name.
    case user(path: String, replacesShipped: Bool)

    /// "shipped definition", "user definition (replaces the shipped one)".
    public var label: String {
        switch self {
        case .shipped: return "shipped definition"
        case .user(_, let replaces): return replaces ? "user definition, replaces the shipped one" : "user definition"
        }
    }
}
