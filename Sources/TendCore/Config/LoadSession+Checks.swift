extension LoadSession {
    /// Checks across resources: duplicate addresses, unknown dependencies and output references, cycles.
    func checkResources(_ resources: [ResourceSpec]) {
        var byAddress: [Address: ResourceSpec] = [:]
        var allAddresses: Set<Address> = []
        for resource in resources {
            allAddresses.insert(resource.address)
            guard resource.isActive else { continue }
            if let first = byAddress[resource.address] {
                diagnostics.append(.error(
                    "duplicate resource \(resource.address): also declared at \(first.location)",
                    at: resource.location, hint: "remove one of them, or give them different 'id's"))
            } else {
                byAddress[resource.address] = resource
            }
        }
        let addressNames = allAddresses.map(\.description)
        // A reference to a resource that had its own errors is not a second problem.
        func isDeclared(_ address: Address) -> Bool {
            allAddresses.contains(address) || undecodedAddresses.contains(address)
                || typesWithUndecodedKeys.contains(address.type)
        }
        for resource in resources {
            for (address, location) in resource.dependsOnLocations where !isDeclared(address) {
                diagnostics.append(.error(
                    "\(resource.address) depends on \(address), which the config does not declare"
                        + Suggestion.phrase(for: address.description, in: addressNames),
                    at: location, hint: "declare \(address), or remove it from dependsOn"))
            }
            for reference in resource.outputReferences where !isDeclared(reference.address) {
                diagnostics.append(.error(
                    "\(reference.placeholder) refers to \(reference.address), which the config does not declare"
                        + Suggestion.phrase(for: reference.address.description, in: addressNames),
                    at: resource.parameterLocations[reference.parameter] ?? resource.location,
                    hint: "outputs come from resources in the same config"))
            }
        }
        let active = resources.filter(\.isActive)
        let graph = DependencyGraph(resources: active, catalog: loader.catalog)
        dependencyGraph = graph
        if let cycle = graph.findCycle() {
            diagnostics.append(.error(
                "dependency cycle: " + cycle.map(\.description).joined(separator: " -> "),
                at: byAddress[cycle[0]]?.location, hint: "remove one of these dependencies"))
        }
    }
}
