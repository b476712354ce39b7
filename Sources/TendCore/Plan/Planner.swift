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
                        + Self.destroyOrder(orphanChanges.filter { $0.operation == .destroy } + destroys) + others,
                    unchanged: unchanged, skipped: skipped)
    }

    /// Destroys ordered so that nothing goes before what depends on it or lies inside it: a file and a clone in
    /// `~/code` go before `directory:~/code`. Each destroy also names the destroys it must wait for in its
    /// `dependsOn` (what lies inside a directory depends on it), which is what the executor follows.
    static func destroyOrder(_ destroys: [ResourceChange]) -> [ResourceChange] {
        guard destroys.count > 1 else { return destroys }
        var changes = destroys
        let paths = changes.map { change -> String? in
            let key = change.address.key
            return key.hasPrefix("/") || key.hasPrefix("~") ? (key.hasSuffix("/") ? String(key.dropLast()) : key) : nil
        }
        for i in changes.indices {
            guard let inner = paths[i] else { continue }
            for j in changes.indices where j != i {
                if let outer = paths[j], inner.hasPrefix(outer + "/"), !changes[i].dependsOn.contains(changes[j].address) {
                    changes[i].dependsOn.append(changes[j].address)
                }
            }
        }
        // Repeatedly take, in the given order, a destroy that no remaining destroy depends on.
        var remaining = Array(changes.indices)
        var ordered: [ResourceChange] = []
        while !remaining.isEmpty {
            let pending = Set(remaining.map { changes[$0].address })
            let blockers = Set(remaining.flatMap { changes[$0].dependsOn }).intersection(pending)
            let next = remaining.first { !blockers.contains(changes[$0].address) } ?? remaining[0]
            ordered.append(changes[next])
            remaining.removeAll { $0 == next }
        }
        return ordered
    }

    /// The plan with rule 1 in its words: each destroy, release, modify and recreate says whether what is
    /// there is tend's own work, goes to backups first, or stays as it is, exactly as apply will decide it.
    public func explainingRuleOne(_ plan: Plan, lastWrites: [Address: LastWrite],
                                  resources: [Address: ResourceSpec]) -> Plan {
        var result = plan
        for index in result.changes.indices {
            let change = result.changes[index]
            guard let write = lastWrites[change.address] else { continue }
            var clauses: [String] = []
            switch change.operation {
            case .release:
                let subject = resources[change.address].flatMap { spec in registry[change.type]?.subject(of: spec) }
                    ?? "\(change.type) \(change.address.key)"
                let what: String
                if !write.keptOriginal {
                    what = "left as it is"
                } else if write.isTendsOwn {
                    what = "put back the original"
                } else {
                    what = "left as it is: \(write.editPhrase); the original is kept in backups"
                }
                result.changes[index].message = "Stop managing \(subject) (\(what))"
                continue
            case .destroy, .modify, .recreate:
                if write.adopting {
                    clauses.append("the original is kept in backups first")
                } else if write.editedOutsideTend {
                    clauses.append("\(write.editPhrase): kept in backups first")
                }
                if change.operation == .destroy && write.keptOriginal { clauses.append("the original stays in backups") }
            case .create:
                continue
            }
            guard !clauses.isEmpty else { continue }
            result.changes[index].message += " (" + clauses.joined(separator: "; ") + ")"
        }
        return result
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
                // The new side comes from the file that declares the resource (an include, -c FILE), not from a
                // tend.yaml that may not exist; implied resources come from tend itself.
                let source = resource.location.file.hasPrefix("(") ? "tend" : PathNormalizer.lastComponent(resource.location.file)
                diff = LineDiff.unified(before: operation == .create ? "" : content.before,
                                        after: operation == .destroy ? "" : PendingOutputs.masked(content.after),
                                        beforeLabel: "\(label) (current)", afterLabel: "\(label) (\(source))")
                if diff?.isEmpty == true { diff = nil }
            }
            let message = PendingOutputs.masked(
                type.message(for: operation, resource: resource, changes: parameters, observation: observation))
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
        let spec = ResourceSpec(address: orphan.address, type: orphan.type, parameters: orphan.parameters,
                                ensure: .absent, location: SourceLocation(file: "(state)", mark: .start))
        let type = registry[orphan.type]
        if orphan.createdByTend && !orphan.keep && observation?.exists != false {
            let message = type?.message(for: .destroy, resource: spec, changes: [], observation: observation)
                ?? "Remove \(orphan.type) \(orphan.address.key)"
            return ResourceChange(address: orphan.address, type: orphan.type, operation: .destroy, parameters: [],
                                  message: message, reason: "no longer in the config, and tend created it",
                                  dependsOn: orphan.dependsOn, fingerprint: fingerprint)
        }
        let reason: String
        if orphan.keep && orphan.createdByTend && observation?.exists != false {
            reason = "no longer in the config, and it is marked keep"
        } else {
            reason = orphan.createdByTend ? "no longer in the config, and already gone"
                : "no longer in the config, and it was there before tend"
        }
        let message = type?.message(for: .release, resource: spec, changes: [], observation: observation)
            ?? "Stop managing \(orphan.type) \(orphan.address.key) (left as it is)"
        return ResourceChange(address: orphan.address, type: orphan.type, operation: .release, parameters: [],
                              message: message, reason: reason,
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
    /// True for `keep: true` (and ssh keys by default): released even though tend created it.
    public var keep: Bool
    /// What it depended on when last applied, so that destroys run in reverse order.
    public var dependsOn: [Address]
    /// The parameters last applied, for the plan's words.
    public var parameters: [String: Value]

    public init(address: Address, type: String, createdByTend: Bool, keep: Bool = false, dependsOn: [Address] = [],
                parameters: [String: Value] = [:]) {
        self.address = address
        self.type = type
        self.createdByTend = createdByTend
        self.keep = keep
        self.dependsOn = dependsOn
        self.parameters = parameters
    }
}
