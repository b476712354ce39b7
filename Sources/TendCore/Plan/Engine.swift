/// The engine's entry points for commands: load a config, refresh, plan. Commands call one of these and map
/// the result to output and an exit code.
public struct Engine: Sendable {
    public var registry: TypeRegistry
    public var host: Machine

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

    /// Refreshes the selected resources and plans them. Never changes the host or the state.
    public func plan(config: Config, selection: Planner.Selection = Planner.Selection(),
                     orphans: [OrphanResource] = []) async throws -> PlanResult {
        let planner = Planner(registry: registry, home: host.home)
        let resources = try planner.select(selection, in: config)
        let observations = try await Refresher(registry: registry, host: host).refresh(resources)
        let plan = planner.plan(config: config, resources: resources, observations: observations, orphans: orphans)
        return PlanResult(plan: plan, resources: resources, observations: observations)
    }
}

/// A plan with what it was made from, so apply can verify and report against the same observations.
public struct PlanResult: Sendable {
    public var plan: Plan
    public var resources: [ResourceSpec]
    public var observations: [Address: Observation]
}
