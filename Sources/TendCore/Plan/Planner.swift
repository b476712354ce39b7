/// Compares desired with current and chooses, per resource, create / modify / recreate / destroy / no-op
/// (DESIGN section 2), then orders the changes. Pure: it reads observations, it never touches the host.
public struct Planner: Sendable {
    public var registry: TypeRegistry
    public var home: String
    /// Digests sensitive values: the state's key for plans that are saved, else the process's own.
    public var secrets: SecretDigest

    public init(registry: TypeRegistry, home: String, secrets: SecretDigest = .ephemeral) {
        self.registry = registry
        self.home = home
        self.secrets = secrets
    }

    /// Which resources a plan covers: all, or those named by `--target` and `--tag` and what they depend on.
    public struct Selection: Sendable {
        public var targets: [Address]
        public var tags: [String]

        public init(targets: [Address] = [], tags: [String] = []) {
            self.targets = targets
            self.tags = tags
        }

        public var isEverything: Bool { targets.isEmpty && tags.isEmpty }
    }

    /// The resources `selection` covers, with their dependencies; throws for a target or tag that matches nothing.
    public func select(_ selection: Selection, in config: Config) throws -> [ResourceSpec] {
        let resources = config.resources
        guard !selection.isEverything else { return resources }
        let addresses = Set(resources.map(\.address))
        var roots: [Address] = []
        for target in selection.targets {
            guard addresses.contains(target) else {
                throw PlanError.unknownTarget(target.description,
                                              suggestion: Suggestion.phrase(for: target.description, in: addresses.map(\.description)))
            }
            roots.append(target)
        }
        for tag in selection.tags {
            let tagged = resources.filter { $0.tags.contains(tag) }.map(\.address)
            if tagged.isEmpty { throw PlanError.unknownTag(tag) }
            roots += tagged
        }
        let graph = DependencyGraph(resources: resources, catalog: registry.catalog)
        let chosen = graph.closure(of: roots)
        return resources.filter { chosen.contains($0.address) }
    }

    /// The plan for `resources` (already selected) given what refresh observed.
    public func plan(config: Config, resources: [ResourceSpec], observations: [Address: Observation],
                     orphans: [OrphanResource] = []) -> Plan {
        // Everything selected: the loader's graph is this graph.
        let graph = config.dependencyGraph.flatMap { $0.order.count == resources.count ? $0 : nil }
            ?? DependencyGraph(resources: resources, catalog: registry.catalog)
        var changes: [Address: ResourceChange] = [:]
        var unchanged: [Address] = []
        var rulesByType: [String: ComparisonRules] = [:]
        for resource in resources {
            let observation = observations[resource.address] ?? .absent()
            if rulesByType[resource.type] == nil, let type = registry[resource.type] {
                rulesByType[resource.type] = Self.comparisonRules(type.schema)
            }
            if let change = change(for: resource, observation: observation, graph: graph,
                                   rules: rulesByType[resource.type]) {
                changes[resource.address] = change
            } else {
                unchanged.append(resource.address)
            }
        }
        var orphanChanges: [ResourceChange] = []
        for orphan in orphans {
            let observation = observations[orphan.address]
            orphanChanges.append(change(for: orphan, observation: observation))
        }
        let order = graph.topologicalOrder()
        let destroys = order.reversed().compactMap { changes[$0] }.filter { $0.operation == .destroy }
        let others = order.compactMap { changes[$0] }.filter { $0.operation != .destroy }
        let skipped = config.allResources.filter { !$0.isActive }.map(\.address)
        return Plan(configPath: config.rootPath, configDigest: config.digest,
                    changes: orphanChanges.filter { $0.operation == .release }
                        + orphanChanges.filter { $0.operation == .destroy } + destroys + others,
                    unchanged: unchanged, skipped: skipped)
    }

    /// The change one resource needs given a fresh observation; nil when it matches. Used to verify an apply.
    public func change(for resource: ResourceSpec, observation: Observation) -> ResourceChange? {
        change(for: resource, observation: observation,
               graph: DependencyGraph(dependencies: [:], order: [resource.address]))
    }

    /// How each parameter of a type compares, by name: looked up once per type, not per resource.
    typealias ComparisonRules = [String: (comparison: Comparison, compared: Bool)]

    static func comparisonRules(_ schema: TypeSchema) -> ComparisonRules {
        Dictionary(schema.parameters.map { ($0.name, ($0.comparison, !$0.isKey && $0.comparison != .createOnly)) },
                   uniquingKeysWith: { first, _ in first })
    }

    private func change(for resource: ResourceSpec, observation: Observation, graph: DependencyGraph,
                        rules: ComparisonRules? = nil) -> ResourceChange? {
        // The common case of a re-run, checked without building anything: present, wanted, and equal.
        if let rules, resource.ensure == .present, observation.exists, resource.outputReferences.isEmpty {
            var equal = true
            for (name, desired) in resource.parameters {
                guard let rule = rules[name], rule.compared else { continue }
                if !ValueComparison.matches(desired, observation.parameters[name], comparison: rule.comparison, home: home) {
                    equal = false
                    break
                }
            }
            if equal { return nil }
        }
        guard let type = registry[resource.type] else { return nil }
        let schema = type.schema
        let dependsOn = graph.dependencies(of: resource.address)
        func make(_ operation: ResourceOperation, _ parameters: [ParameterChange], reason: String) -> ResourceChange {
            var diff: String?
            if let content = observation.contentChange {
                let label = PathNormalizer.addressForm(content.path, home: home)
                diff = LineDiff.unified(before: operation == .create ? "" : content.before,
                                        after: operation == .destroy ? "" : content.after,
                                        beforeLabel: "\(label) (current)", afterLabel: "\(label) (tend.yaml)")
                if diff?.isEmpty == true { diff = nil }
            }
            let message = type.message(for: operation, resource: resource, changes: parameters, observation: observation)
            // Only for changes: a no-op run never pays for hashing what it found.
            let fingerprint = Self.fingerprint(observation, sensitive: resource.sensitive, secrets: secrets)
            return ResourceChange(address: resource.address, type: resource.type, operation: operation,
                                  parameters: parameters, message: message, reason: reason, dependsOn: dependsOn,
                                  fingerprint: fingerprint, diff: diff)
        }

        let compared = schema.parameters.filter { !$0.isKey && resource.parameters[$0.name] != nil }
        if resource.ensure == .absent {
            guard observation.exists else { return nil }
            let removals = schema.parameters.compactMap { parameter -> ParameterChange? in
                guard let before = observation.parameters[parameter.name] else { return nil }
                return parameterChange(parameter.name, .remove, before: before, after: nil, resource: resource,
                                       modifiable: true)
            }
            return make(.destroy, removals, reason: "ensure: absent")
        }
        guard observation.exists else {
            let additions = compared.map { parameter in
                parameterChange(parameter.name, .add, before: nil, after: resource.parameters[parameter.name],
                                resource: resource, modifiable: parameter.modifiable)
            }
            return make(.create, additions, reason: observation.note ?? "does not exist")
        }
        var differences: [ParameterChange] = []
        for parameter in compared where parameter.comparison != .createOnly {
            let desired = resource.parameters[parameter.name]!
            if resource.outputReferences.contains(where: { $0.parameter == parameter.name }) { continue }
            let current = observation.parameters[parameter.name]
            if ValueComparison.matches(desired, current, comparison: parameter.comparison, home: home) { continue }
            differences.append(parameterChange(parameter.name, current == nil ? .add : .modify, before: current,
                                               after: desired, resource: resource, modifiable: parameter.modifiable))
        }
        guard !differences.isEmpty else { return nil }
        let fixed = differences.filter { !$0.modifiable }.map(\.name)
        let names = differences.map(\.name)
        var reason = observation.note ?? (names.joined(separator: ", ") + (names.count == 1 ? " differs" : " differ"))
        if !fixed.isEmpty {
            reason += "; " + fixed.joined(separator: ", ") + (fixed.count == 1 ? " cannot" : " cannot")
                + " be changed in place"
            return make(.recreate, differences, reason: reason)
        }
        return make(.modify, differences, reason: reason)
    }

    private func change(for orphan: OrphanResource, observation: Observation?) -> ResourceChange {
        let fingerprint = Self.fingerprint(observation ?? .absent(), sensitive: [], secrets: secrets)
        if orphan.createdByTend && observation?.exists != false {
            return ResourceChange(address: orphan.address, type: orphan.type, operation: .destroy, parameters: [],
                                  message: "Remove \(orphan.type) \(orphan.address.key)",
                                  reason: "no longer in the config, and tend created it", dependsOn: [],
                                  fingerprint: fingerprint)
        }
        return ResourceChange(address: orphan.address, type: orphan.type, operation: .release, parameters: [],
                              message: "Stop managing \(orphan.type) \(orphan.address.key) (left as it is)",
                              reason: orphan.createdByTend ? "no longer in the config, and already gone"
                                  : "no longer in the config, and it was there before tend",
                              dependsOn: [], fingerprint: fingerprint)
    }

    private func parameterChange(_ name: String, _ operation: ParameterOperation, before: Value?, after: Value?,
                                 resource: ResourceSpec, modifiable: Bool) -> ParameterChange {
        let sensitive = resource.isSensitive(name)
        let known = after.map { !$0.text.contains("${outputs.") } ?? true
        func shown(_ value: Value?) -> Value? {
            guard let value else { return nil }
            return sensitive ? .string(secrets.digest(value.text)) : value
        }
        return ParameterChange(name: name, operation: operation, before: shown(before), after: shown(after),
                               sensitive: sensitive, modifiable: modifiable, knownAfterApply: !known)
    }

    /// `sha256:` of an observation in a canonical form; sensitive values enter as keyed digests, so that the
    /// fingerprint of a resource with one weak secret cannot be used to test guesses of it.
    public static func fingerprint(_ observation: Observation, sensitive: Set<String>,
                                   secrets: SecretDigest = .ephemeral) -> String {
        var text = observation.exists ? "present\n" : "absent\n"
        for name in observation.parameters.keys.sorted() {
            let value = observation.parameters[name]!
            text += name + "=" + (sensitive.contains(name) ? secrets.digest(value.text) : value.json.compact) + "\n"
        }
        return SHA256.digest(text)
    }
}

/// A resource tend manages that the config no longer declares; the state store supplies these.
public struct OrphanResource: Sendable, Hashable {
    public var address: Address
    public var type: String
    /// True when tend created it (so it is destroyed); false when tend adopted it (so it is released).
    public var createdByTend: Bool

    public init(address: Address, type: String, createdByTend: Bool) {
        self.address = address
        self.type = type
        self.createdByTend = createdByTend
    }
}
