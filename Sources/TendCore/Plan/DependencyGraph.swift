/// Edges between resources: `dependsOn`, `${outputs...}` references, and the type rules of each schema.
public struct DependencyGraph: Sendable {
    /// For each address, the addresses it depends on, in a stable order.
    public private(set) var dependencies: [Address: [Address]]
    /// Addresses in declaration order.
    public let order: [Address]

    /// Builds the graph over `resources`; edges to addresses outside the set are dropped.
    public init(resources: [ResourceSpec], catalog: SchemaCatalog) {
        let present = Set(resources.map(\.address))
        var dependencies: [Address: [Address]] = [:]
        for resource in resources {
            var edges: [Address] = []
            var seen: Set<Address> = [resource.address]
            func add(_ address: Address) {
                if present.contains(address), seen.insert(address).inserted { edges.append(address) }
            }
            resource.dependsOn.forEach(add)
            resource.outputReferences.map(\.address).forEach(add)
            catalog[resource.type]?.impliedDependencies.forEach(add)
            dependencies[resource.address] = edges
        }
        self.dependencies = dependencies
        self.order = resources.map(\.address)
    }

    public init(dependencies: [Address: [Address]], order: [Address]) {
        self.dependencies = dependencies
        self.order = order
    }

    /// The first cycle found, as a path that starts and ends at the same address; nil for an acyclic graph.
    public func findCycle() -> [Address]? {
        enum Mark { case visiting, done }
        var marks: [Address: Mark] = [:]
        var path: [Address] = []
        func visit(_ node: Address) -> [Address]? {
            if marks[node] == .done { return nil }
            if marks[node] == .visiting {
                let start = path.firstIndex(of: node)!
                return Array(path[start...]) + [node]
            }
            marks[node] = .visiting
            path.append(node)
            for next in dependencies[node] ?? [] {
                if let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            marks[node] = .done
            return nil
        }
        for node in order {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }

    /// Addresses with every dependency before its dependents; ties keep declaration order. Requires no cycle.
    public func topologicalOrder() -> [Address] {
        var result: [Address] = []
        var done: Set<Address> = []
        func visit(_ node: Address) {
            guard done.insert(node).inserted else { return }
            for next in dependencies[node] ?? [] { visit(next) }
            result.append(node)
        }
        order.forEach(visit)
        return result
    }

    /// The addresses `roots` depend on, directly or not, together with the roots.
    public func closure(of roots: some Sequence<Address>) -> Set<Address> {
        var result: Set<Address> = []
        var stack = Array(roots)
        while let node = stack.popLast() {
            guard result.insert(node).inserted else { continue }
            stack.append(contentsOf: dependencies[node] ?? [])
        }
        return result
    }

    /// For each address, the addresses that depend on it directly.
    public func dependents() -> [Address: [Address]] {
        var result: [Address: [Address]] = [:]
        for node in order {
            for dependency in dependencies[node] ?? [] { result[dependency, default: []].append(node) }
        }
        return result
    }
}
