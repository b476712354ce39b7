/// The engine's entry points for commands: load a config, refresh, plan. Commands call one of these and map
/// the result to output and an exit code.
public struct Engine: Sendable {
    public var registry: TypeRegistry
    public var host: Machine
    /// Digests sensitive values in plans; the state's key (`SecretKeyFile`) when a plan is saved or applied.
    public var secrets: SecretDigest = .ephemeral

    public init(registry: TypeRegistry, host: Machine) {
        self.registry = registry
        self.host = host
    }

    /// Loads and checks the config at `path` (as the user wrote it).
    public func loadConfig(path: String, workingDirectory: String? = nil) -> ConfigLoadResult {
        var loader = ConfigLoader(catalog: registry.catalog, host: host.facts)
        if let workingDirectory { loader.workingDirectory = workingDirectory }
        return loader.load(path: path)
    }

    /// Loads config text as if it were the file at `path`: its includes and relative paths are that file's.
    public func loadConfig(text: String, path: String) -> ConfigLoadResult {
        ConfigLoader(catalog: registry.catalog, host: host.facts).load(text: text, path: path)
    }

    /// Refreshes the selected resources and plans them. Never changes the host or the state. With a state,
    /// resources this config declared before and no longer does are planned too (destroy or release), and
    /// outputs stored by earlier runs fill `${outputs...}`.
    public func plan(config: Config, selection: Planner.Selection = Planner.Selection(),
                     state: (any StateStore)? = nil) async throws -> PlanResult {
        let config = addingImpliedResources(to: config)
        let planner = Planner(registry: registry, home: host.home, secrets: secrets)
        var resources = try planner.select(selection, in: config)
        if !selection.isEverything { resources += impliedResources(of: resources, in: config) }
        var orphans: [OrphanResource] = []
        var orphanSpecs: [ResourceSpec] = []
        var knownOutputs: [Address: [String: Value]] = [:]
        var pending: [TransactionRecord] = []
        if let state {
            let managed = try state.managedResources()
            for record in managed { knownOutputs[record.address] = record.outputs }
            if selection.isEverything {
                let declared = Set(config.allResources.map(\.address))
                for record in managed where record.configPaths.contains(config.rootPath) && !declared.contains(record.address) {
                    // Another config still declares it: this one only gives up its claim, after the apply.
                    guard record.configPaths.count == 1, registry[record.type] != nil else { continue }
                    orphans.append(OrphanResource(address: record.address, type: record.type,
                                                  createdByTend: record.createdByTend, keep: record.keep,
                                                  dependsOn: record.dependsOn, parameters: record.parameters))
                    orphanSpecs.append(ResourceSpec(address: record.address, type: record.type,
                                                    parameters: record.parameters, ensure: .absent,
                                                    location: SourceLocation(file: "(state)", mark: .start)))
                }
            }
            // Another config's failures are its own business: its plan names them.
            pending = try state.pendingTransactions().filter { $0.status == .failed && $0.configPath == config.rootPath }
        }
        if !knownOutputs.isEmpty { resources = resources.map { Self.resolvingKnownOutputs($0, knownOutputs) } }
        let observations = try await Refresher(registry: registry, host: host).refresh(resources + orphanSpecs)
        var plan = planner.plan(config: config, resources: resources, observations: observations, orphans: orphans)
        if let state { plan = try explainingRuleOne(plan, specs: resources + orphanSpecs, state: state) }
        return PlanResult(plan: plan, resources: resources + orphanSpecs, observations: observations,
                          knownOutputs: knownOutputs, failedChanges: pending,
                          problems: planProblems(config: config, resources: resources, observations: observations,
                                                 changed: Set(plan.changes.map(\.address))))
    }

    /// The plan with rule 1's decisions in its words: for each change that overwrites, deletes or puts back
    /// something tend manages, what tend last wrote (from the state) is compared with what is there now.
    /// Only changed resources are read again, so a no-op plan costs nothing more.
    public func explainingRuleOne(_ plan: Plan, specs: [ResourceSpec], state: any StateStore) throws -> Plan {
        let byAddress = Dictionary(specs.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        var lastWrites: [Address: LastWrite] = [:]
        for change in plan.changes where change.operation != .create {
            guard let spec = byAddress[change.address], let type = registry[change.type] else { continue }
            guard let record = try state.managedResource(change.address) else {
                // Not managed yet: a change to what is there takes it over, and keeps it as the original first.
                if type.keepsOriginals, change.operation == .modify || change.operation == .recreate,
                   let current = PathFootprint.stored(type.footprint(of: spec, host: host), secrets: secrets) {
                    lastWrites[change.address] = LastWrite(written: nil, run: nil, current: current, keptOriginal: false,
                                                           adopting: true)
                }
                continue
            }
            let current = PathFootprint.stored(type.footprint(of: spec, host: host), secrets: secrets)
            let original = try state.backups(for: change.address).contains { $0.reason == .original }
            // Types that leave nothing a user edits (packages, scripts) have no footprint: nothing to say.
            guard current != nil || record.written != nil || original else { continue }
            lastWrites[change.address] = LastWrite(written: record.written, run: record.writtenRun, current: current,
                                                   keptOriginal: original)
        }
        guard !lastWrites.isEmpty else { return plan }
        return Planner(registry: registry, home: host.home).explainingRuleOne(plan, lastWrites: lastWrites,
                                                                              resources: byAddress)
    }

    /// Refreshes and plans with orphans given directly (tests without a state store); orphans are planned
    /// from their observation alone.
    public func plan(config: Config, selection: Planner.Selection = Planner.Selection(),
                     orphans: [OrphanResource]) async throws -> PlanResult {
        let config = addingImpliedResources(to: config)
        let planner = Planner(registry: registry, home: host.home, secrets: secrets)
        let resources = try planner.select(selection, in: config)
        let orphanSpecs = orphans.map {
            ResourceSpec(address: $0.address, type: $0.type, parameters: [:], ensure: .absent,
                         location: SourceLocation(file: "(state)", mark: .start))
        }
        let observations = try await Refresher(registry: registry, host: host).refresh(resources + orphanSpecs)
        let plan = planner.plan(config: config, resources: resources, observations: observations, orphans: orphans)
        return PlanResult(plan: plan, resources: resources + orphanSpecs, observations: observations,
                          problems: planProblems(config: config, resources: resources, observations: observations,
                                                 changed: Set(plan.changes.map(\.address))))
    }

    /// Fills `${outputs...}` that earlier runs already stored, so the planner can compare those parameters.
    static func resolvingKnownOutputs(_ resource: ResourceSpec, _ known: [Address: [String: Value]]) -> ResourceSpec {
        guard !resource.outputReferences.isEmpty else { return resource }
        var resolved = resource
        resolved.outputReferences = []
        for reference in resource.outputReferences {
            guard let value = known[reference.address]?[reference.key],
                  let text = resolved.parameters[reference.parameter]?.stringValue else {
                resolved.outputReferences.append(reference)
                continue
            }
            resolved.parameters[reference.parameter] = .string(text.replacingOccurrences(of: reference.placeholder,
                                                                                        with: value.text))
        }
        return resolved
    }
}

/// A plan with what it was made from, so apply can verify and report against the same observations.
public struct PlanResult: Sendable {
    public var plan: Plan
    /// Specs of every planned resource, orphans included (from their stored parameters).
    public var resources: [ResourceSpec]
    public var observations: [Address: Observation]
    public var knownOutputs: [Address: [String: Value]]
    /// Changes that failed in earlier runs and wait for `tend recover`.
    public var failedChanges: [TransactionRecord]
    /// Values apply would refuse, found while planning; see `refusingProblems()`.
    public var problems: [Diagnostic]

    public init(plan: Plan, resources: [ResourceSpec], observations: [Address: Observation],
                knownOutputs: [Address: [String: Value]] = [:], failedChanges: [TransactionRecord] = [],
                problems: [Diagnostic] = []) {
        self.plan = plan
        self.resources = resources
        self.observations = observations
        self.knownOutputs = knownOutputs
        self.failedChanges = failedChanges
        self.problems = problems
    }
}
