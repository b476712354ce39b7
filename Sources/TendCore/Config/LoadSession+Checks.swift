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
    }
}
