extension Engine {
    /// `config` with the resources its types imply added (once: addresses already there are skipped). The
    /// loader's dependency graph is dropped when anything is added, so the planner builds one over them all.
    public func addingImpliedResources(to config: Config) -> Config {
        var implied: [ResourceSpec] = []
        var known: Set<Address>?
        for case let type as any ImpliedResourceType in registry.all {
            let specs = type.impliedResources(by: config.resources, host: host)
            guard !specs.isEmpty else { continue }
            if known == nil { known = Set(config.allResources.map(\.address)) }
            for spec in specs where known!.insert(spec.address).inserted { implied.append(spec) }
        }
        guard !implied.isEmpty else { return config }
        var result = config
        result.allResources += implied
        result.dependencyGraph = nil
        return result
    }
}
