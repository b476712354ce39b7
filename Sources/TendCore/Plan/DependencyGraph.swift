/// Edges between resources: `dependsOn`, `${outputs...}` references, and the type rules of each schema.
///
/// Nodes are numbered once, in declaration order, and the walks work on those numbers, so that a config of
/// thousands of resources hashes each address once instead of at every step of every walk.
public struct DependencyGraph: Sendable {
    /// Addresses in declaration order.
    public let order: [Address]
    /// Each distinct address, numbered by its first place in `order`.
    private let nodes: [Address]
    private let numbers: [Address: Int]
    /// For each node, the nodes it depends on, in a stable order.
    private let edges: [[Int]]

    /// Builds the graph over `resources`; edges to addresses outside the set are dropped.
    public init(resources: [ResourceSpec], catalog: SchemaCatalog) {
        let order = resources.map(\.address)
        var numbers = [Address: Int](minimumCapacity: order.count)
        var nodes: [Address] = []
        nodes.reserveCapacity(order.count)
        for address in order where numbers[address] == nil {
            numbers[address] = nodes.count
            nodes.append(address)
        }
        var implied: [String: [Address]] = [:]
        var edges = [[Int]](repeating: [], count: nodes.count)
        for resource in resources {
            if implied[resource.type] == nil { implied[resource.type] = catalog[resource.type]?.impliedDependencies ?? [] }
            let typeRules = implied[resource.type]!
            guard !resource.dependsOn.isEmpty || !resource.outputReferences.isEmpty || !typeRules.isEmpty else { continue }
            let node = numbers[resource.address]!
            var list = edges[node]
            func add(_ address: Address) {
                if let target = numbers[address], target != node, !list.contains(target) { list.append(target) }
            }
            resource.dependsOn.forEach(add)
            resource.outputReferences.forEach { add($0.address) }
            typeRules.forEach(add)
            edges[node] = list
        }
        self.init(order: order, nodes: nodes, numbers: numbers, edges: edges)
    }

    public init(dependencies: [Address: [Address]], order: [Address]) {
        var numbers = [Address: Int](minimumCapacity: order.count)
        var nodes: [Address] = []
        for address in order where numbers[address] == nil {
            numbers[address] = nodes.count
            nodes.append(address)
        }
        let edges = nodes.map { node in (dependencies[node] ?? []).compactMap { numbers[$0] } }
        self.init(order: order, nodes: nodes, numbers: numbers, edges: edges)
    }

    private init(order: [Address], nodes: [Address], numbers: [Address: Int], edges: [[Int]]) {
        self.order = order
        self.nodes = nodes
        self.numbers = numbers
        self.edges = edges
    }

    /// The addresses `address` depends on directly; empty for an address outside the graph.
    public func dependencies(of address: Address) -> [Address] {
        guard let node = numbers[address] else { return [] }
        return edges[node].map { nodes[$0] }
    }

    /// The first cycle found, as a path that starts and ends at the same address; nil for an acyclic graph.
    public func findCycle() -> [Address]? {
        var cycle: [Address]?
        depthFirst(onCycle: { node, path in
            let start = path.firstIndex(of: node)!
            cycle = path[start...].map { nodes[$0] } + [nodes[node]]
            return true
        }, onFinish: { _ in })
        return cycle
    }

    /// Addresses with every dependency before its dependents; ties keep declaration order. Each address comes
    /// once; an edge that closes a cycle is passed over (the loader reports cycles before anything is planned).
    public func topologicalOrder() -> [Address] {
        var result: [Address] = []
        result.reserveCapacity(nodes.count)
        depthFirst(onCycle: { _, _ in false }, onFinish: { result.append(nodes[$0]) })
        return result
    }

    /// A depth-first walk from each node in declaration order, without recursion so that a long chain cannot
    /// overflow the stack. `onCycle` is told of each edge back to a node on the current path, with that path,
    /// and stops the walk by returning true; `onFinish` sees each node once, after everything it depends on.
    private func depthFirst(onCycle: (Int, [Int]) -> Bool, onFinish: (Int) -> Void) {
        enum Mark: UInt8 { case new, visiting, done }
        var marks = [Mark](repeating: .new, count: nodes.count)
        var path: [Int] = []
        var nextEdge: [Int] = []
        for root in nodes.indices where marks[root] == .new {
            marks[root] = .visiting
            path.append(root)
            nextEdge.append(0)
            while let node = path.last {
                let position = nextEdge[nextEdge.count - 1]
                if position < edges[node].count {
                    nextEdge[nextEdge.count - 1] += 1
                    let next = edges[node][position]
                    switch marks[next] {
                    case .done: continue
                    case .visiting:
                        if onCycle(next, path) { return }
                    case .new:
                        marks[next] = .visiting
                        path.append(next)
                        nextEdge.append(0)
                    }
                } else {
                    marks[node] = .done
                    path.removeLast()
                    nextEdge.removeLast()
                    onFinish(node)
                }
            }
        }
    }

    /// The addresses `roots` depend on, directly or not, together with the roots.
    public func closure(of roots: some Sequence<Address>) -> Set<Address> {
        var result: Set<Address> = []
        var reached = [Bool](repeating: false, count: nodes.count)
        var stack: [Int] = []
        for root in roots {
            result.insert(root)
            if let node = numbers[root] { stack.append(node) }
        }
        while let node = stack.popLast() {
            guard !reached[node] else { continue }
            reached[node] = true
            result.insert(nodes[node])
            stack.append(contentsOf: edges[node])
        }
        return result
    }

    /// For each address, the addresses that depend on it directly.
    public func dependents() -> [Address: [Address]] {
        var result: [Address: [Address]] = [:]
        for (node, address) in nodes.enumerated() {
            for dependency in edges[node] { result[nodes[dependency], default: []].append(address) }
        }
        return result
    }
}
