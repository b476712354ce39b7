extension LoadSession {
    /// Checks across resources: duplicate addresses, unknown dependencies and output references, cycles.
    func checkResources(_ resources: [ResourceSpec]) {
        var firstLocation = [Address: SourceLocation](minimumCapacity: resources.count)
        var allAddresses = Set<Address>(minimumCapacity: resources.count)
        for resource in resources {
            allAddresses.insert(resource.address)
            guard resource.isActive else { continue }
            if let first = firstLocation[resource.address] {
                diagnostics.append(.error(
                    "duplicate resource \(resource.address): also declared at \(first)",
                    at: resource.location, hint: "remove one of them, or give them different 'id's"))
            } else {
                firstLocation[resource.address] = resource.location
            }
        }
        // Only a message about an unknown address needs the names, to suggest the nearest.
        func suggestion(for address: Address) -> String {
            Suggestion.phrase(for: address.description, in: allAddresses.map(\.description))
        }
        // A reference to a resource that had its own errors is not a second problem.
        func isDeclared(_ address: Address) -> Bool {
            allAddresses.contains(address) || undecodedAddresses.contains(address)
                || typesWithUndecodedKeys.contains(address.type)
        }
        for resource in resources where !resource.dependsOnLocations.isEmpty || !resource.outputReferences.isEmpty {
            for (address, location) in resource.dependsOnLocations where !isDeclared(address) {
                diagnostics.append(.error(
                    "\(resource.address) depends on \(address), which the config does not declare"
                        + suggestion(for: address),
                    at: location, hint: "declare \(address), or remove it from dependsOn"))
            }
            for reference in resource.outputReferences where !isDeclared(reference.address) {
                diagnostics.append(.error(
                    "\(reference.placeholder) refers to \(reference.address), which the config does not declare"
                        + suggestion(for: reference.address),
                    at: resource.parameterLocations[reference.parameter] ?? resource.location,
                    hint: "outputs come from resources in the same config"))
            }
        }
        let active = resources.active
        let graph = DependencyGraph(resources: active, catalog: loader.catalog)
        dependencyGraph = graph
        if let cycle = graph.findCycle() {
            diagnostics.append(.error(
                "dependency cycle: " + cycle.map(\.description).joined(separator: " -> "),
                at: firstLocation[cycle[0]], hint: "remove one of these dependencies"))
        }
        checkValues(resources)
    }

    /// Each type's own value checks (names apply would refuse, a `source:` that is not there), reported where
    /// the value was written. Values that wait for `${outputs...}` are checked by the planner once known.
    func checkValues(_ resources: [ResourceSpec]) {
        let catalog = loader.catalog
        guard catalog.types.values.contains(where: { $0.valueCheck != nil }) else { return }
        let context = ValueCheckContext(resources: resources, catalog: catalog, home: host.home)
        for resource in resources {
            guard let schema = catalog[resource.type], schema.valueCheck != nil else { continue }
            for problem in schema.valueProblems(resource, context: context) {
                diagnostics.append(.error(problem.message,
                                          at: resource.parameterLocations[problem.parameter] ?? resource.location,
                                          hint: problem.hint))
            }
        }
    }
}
