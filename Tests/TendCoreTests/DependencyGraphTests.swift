import Testing
import TendYAML
@testable import TendCore

/// The dependency graph: edges from dependsOn, outputs and type rules; cycles, order, closure and dependents.
@Suite struct DependencyGraphTests {
    static func address(_ text: String) -> Address { Address(parsing: text, home: "/home/me")! }

    static func resource(_ text: String, dependsOn: [String] = [], outputs: [String] = []) -> ResourceSpec {
        let address = address(text)
        return ResourceSpec(
            address: address, type: address.type, parameters: [:], dependsOn: dependsOn.map(Self.address),
            location: SourceLocation(file: "tend.yaml", mark: Mark(line: 1, column: 1)),
            outputReferences: outputs.map { OutputReference(address: Self.address($0), key: "k", parameter: "p") })
    }

    static let clone = TypeSchema(name: "clone", summary: "", parameters: [],
                                  impliedDependencies: [Address(type: "pkg", key: "git")], example: "")

    static func graph(_ resources: [ResourceSpec]) -> DependencyGraph {
        DependencyGraph(resources: resources, catalog: SchemaCatalog([pkgSchema, clone]))
    }

    @Test func edgesComeFromDependsOnOutputsAndTypeRules() {
        let graph = Self.graph([
            Self.resource("clone:~/src/a"),
            Self.resource("pkg:git"),
            Self.resource("pkg:b", dependsOn: ["pkg:git", "pkg:git", "pkg:b", "pkg:undeclared"], outputs: ["clone:~/src/a"]),
        ])
        // Duplicates, self-edges and edges to undeclared addresses are dropped.
        #expect(graph.dependencies(of: Self.address("pkg:b")) == [Self.address("pkg:git"), Self.address("clone:~/src/a")])
        #expect(graph.dependencies(of: Self.address("clone:~/src/a")) == [Self.address("pkg:git")])
        #expect(graph.dependencies(of: Self.address("pkg:git")) == [])
        #expect(graph.dependencies(of: Self.address("pkg:elsewhere")) == [])
        #expect(graph.findCycle() == nil)
        #expect(graph.topologicalOrder() == ["pkg:git", "clone:~/src/a", "pkg:b"].map(Self.address))
        #expect(graph.dependents() == [
            Self.address("pkg:git"): [Self.address("clone:~/src/a"), Self.address("pkg:b")],
            Self.address("clone:~/src/a"): [Self.address("pkg:b")],
        ])
    }

    @Test func topologicalOrderKeepsDeclarationOrderForTies() {
        let graph = Self.graph([
            Self.resource("pkg:c"), Self.resource("pkg:a", dependsOn: ["pkg:d"]), Self.resource("pkg:b"), Self.resource("pkg:d"),
        ])
        #expect(graph.topologicalOrder() == ["pkg:c", "pkg:d", "pkg:a", "pkg:b"].map(Self.address))
    }

    @Test func findsTheFirstCycleAsAClosedPath() {
        let graph = Self.graph([
            Self.resource("pkg:free"),
            Self.resource("pkg:a", dependsOn: ["pkg:b"]),
            Self.resource("pkg:b", dependsOn: ["pkg:c"]),
            Self.resource("pkg:c", dependsOn: ["pkg:free", "pkg:a"]),
        ])
        #expect(graph.findCycle() == ["pkg:a", "pkg:b", "pkg:c", "pkg:a"].map(Self.address))
        let two = Self.graph([Self.resource("pkg:x", dependsOn: ["pkg:y"]), Self.resource("pkg:y", dependsOn: ["pkg:x"])])
        #expect(two.findCycle() == ["pkg:x", "pkg:y", "pkg:x"].map(Self.address))
    }

    @Test func orderPassesOverACycleAndKeepsEveryAddressOnce() {
        let a = Self.address("pkg:a"), b = Self.address("pkg:b"), c = Self.address("pkg:c")
        let loop = DependencyGraph(dependencies: [a: [a]], order: [a])
        #expect(loop.findCycle() == [a, a])
        #expect(loop.topologicalOrder() == [a])
        let cycle = DependencyGraph(dependencies: [a: [b], b: [c], c: [a]], order: [a, b, c, a])
        #expect(cycle.topologicalOrder() == [c, b, a])
        #expect(cycle.dependents() == [b: [a], c: [b], a: [c]])
    }

    @Test func closureHoldsTheRootsAndEverythingTheyNeed() {
        let graph = Self.graph([
            Self.resource("pkg:a", dependsOn: ["pkg:b"]), Self.resource("pkg:b", dependsOn: ["pkg:c"]),
            Self.resource("pkg:c"), Self.resource("pkg:d"),
        ])
        #expect(graph.closure(of: [Self.address("pkg:b")]) == Set(["pkg:b", "pkg:c"].map(Self.address)))
        #expect(graph.closure(of: [Self.address("pkg:a"), Self.address("pkg:d")]).count == 4)
        #expect(graph.closure(of: [Self.address("pkg:elsewhere")]) == [Self.address("pkg:elsewhere")])
    }

    @Test func aLongChainNeedsNoDeepStack() {
        // Each depends on the next: a recursive walk 100,000 deep would overflow a thread's stack.
        let count = 100_000
        let addresses = (0..<count).map { Address(type: "pkg", key: "p\($0)") }
        var dependencies: [Address: [Address]] = [:]
        for index in 0..<(count - 1) { dependencies[addresses[index]] = [addresses[index + 1]] }
        let graph = DependencyGraph(dependencies: dependencies, order: addresses)
        #expect(graph.findCycle() == nil)
        let order = graph.topologicalOrder()
        #expect(order.count == count)
        #expect(order.first == addresses[count - 1])
        #expect(order.last == addresses[0])
    }

    @Test func graphFromAnExplicitEdgeList() {
        let a = Self.address("pkg:a"), b = Self.address("pkg:b")
        let graph = DependencyGraph(dependencies: [a: [b]], order: [a, b])
        #expect(graph.topologicalOrder() == [b, a])
        #expect(graph.dependencies(of: a) == [b])
    }
}
