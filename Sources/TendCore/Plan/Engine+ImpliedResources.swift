extension Engine {
    /// `config` with the resources its types imply added (once: addresses already there are skipped). The
    /// loader's dependency graph is dropped when anything is added, so the planner builds one over them all.
    public func addingImpliedResources(to config: Config) -> Config {
        var implied: [ResourceSpec] = []
        var known: Set<Address>?
        for case let type as any ImpliedResourceType in registry.builtins {
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

    /// The implied resources of `config` (already augmented) that `selected` implies by itself, so that
    /// `--target alias:gs` also puts the hooks in place that make the alias reach a shell.
    func impliedResources(of selected: [ResourceSpec], in config: Config) -> [ResourceSpec] {
        var wanted = Set<Address>()
        for case let type as any ImpliedResourceType in registry.builtins {
            for spec in type.impliedResources(by: selected, host: host) { wanted.insert(spec.address) }
        }
        let chosen = Set(selected.map(\.address))
        return config.resources.filter { wanted.contains($0.address) && !chosen.contains($0.address) }
    }
}
