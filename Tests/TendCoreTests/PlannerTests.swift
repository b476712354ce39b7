import Testing
import TendYAML
@testable import TendCore

/// A resource type whose refresh returns what the test says, for planner tests.
struct StubType: ResourceType {
    var schema: TypeSchema
    var observed: [Address: Observation]

    func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        observed
    }
}

let pkgSchema = TypeSchema(
    name: "pkg", summary: "a package",
    parameters: [
        ParameterSchema("name", .string, key: true, summary: "name"),
        ParameterSchema("version", .string, comparison: .versionPattern, summary: "version"),
        ParameterSchema("flavor", .string, modifiable: false, summary: "not modifiable"),
        ParameterSchema("mode", .mode, summary: "mode"),
        ParameterSchema("groups", .list(.string), comparison: .unorderedList, summary: "groups"),
        ParameterSchema("home", .path, summary: "a path"),
        ParameterSchema("token", .string, comparison: .createOnly, summary: "create only"),
        ParameterSchema("secret", .string, summary: "secret"),
    ],
    acceptsPackageList: true,
    example: "")

func facts(home: String = "/home/me") -> HostFacts {
    HostFacts(os: "linux", distro: "debian", distroVersion: "12", arch: "x86_64", hostname: "box", user: "me",
              home: home, environment: ["HOME": home, "SECRET": "hunter2"])
}

func loadConfig(_ yaml: String, schemas: [TypeSchema] = [pkgSchema]) throws -> Config {
    let loader = ConfigLoader(catalog: SchemaCatalog(schemas), host: facts(), workingDirectory: "/work")
    let result = loader.load(text: yaml, path: "tend.yaml")
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    return try #require(result.config)
}

func plan(_ yaml: String, observed: [String: Observation], orphans: [OrphanResource] = [],
          selection: Planner.Selection = .init()) throws -> Plan {
    let config = try loadConfig(yaml)
    var byAddress: [Address: Observation] = [:]
    for (key, value) in observed { byAddress[Address(parsing: key, home: "/home/me")!] = value }
    let registry = TypeRegistry([StubType(schema: pkgSchema, observed: byAddress)])
    let planner = Planner(registry: registry, home: "/home/me")
    let resources = try planner.select(selection, in: config)
    return planner.plan(config: config, resources: resources, observations: byAddress, orphans: orphans)
}

@Suite struct PlannerOperationTableTests {
    @Test func absentAndDesiredIsCreate() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a, version: '1.*'}\n", observed: [:])
        let change = try #require(plan.changes.first)
        #expect(change.operation == .create)
        #expect(change.parameters == [ParameterChange(name: "version", operation: .add, before: nil, after: .string("1.*"))])
        #expect(change.reason == "does not exist")
        #expect(plan.summaryLine == "Plan: 1 to create, 0 to modify, 0 to recreate, 0 to destroy, 0 to release; 0 unchanged.")
    }

    @Test func presentAndEnsureAbsentIsDestroy() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a, ensure: absent}\n",
                            observed: ["pkg:a": .present(["version": .string("1.2")])])
        let change = try #require(plan.changes.first)
        #expect(change.operation == .destroy)
        #expect(change.parameters == [ParameterChange(name: "version", operation: .remove, before: .string("1.2"), after: nil)])
        #expect(change.reason == "ensure: absent")
    }

    @Test func absentAndEnsureAbsentIsNoop() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a, ensure: absent}\n", observed: [:])
        #expect(plan.isEmpty)
        #expect(plan.unchanged.map(\.description) == ["pkg:a"])
    }

    @Test func presentAndEqualIsNoop() throws {
        let plan = try plan("""
            tend: 1
            resources:
              - {type: pkg, name: a, version: '1.*', mode: '644', groups: [x, y], home: ~/h/../h2, token: t}
            """,
            observed: ["pkg:a": .present(["version": .string("1.4-2"), "mode": .string("0644"),
                                          "groups": .list([.string("y"), .string("x")]),
                                          "home": .string("/home/me/h2")])])
        #expect(plan.isEmpty, "\(plan.changes)")
        #expect(plan.summaryLine == "No changes: this machine matches tend.yaml.")
    }

    @Test func onlyParametersTheUserSetAreCompared() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a}\n",
                            observed: ["pkg:a": .present(["version": .string("9"), "flavor": .string("odd")])])
        #expect(plan.isEmpty)
    }

    @Test func modifiableDifferenceIsModify() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a, version: '2.*', mode: '0600'}\n",
                            observed: ["pkg:a": .present(["version": .string("1.0"), "mode": .string("0600")])])
        let change = try #require(plan.changes.first)
        #expect(change.operation == .modify)
        #expect(change.parameters == [ParameterChange(name: "version", operation: .modify, before: .string("1.0"),
                                                      after: .string("2.*"))])
        #expect(change.reason == "version differs")
    }

    @Test func missingCurrentValueIsParameterAdd() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a, mode: '0600'}\n",
                            observed: ["pkg:a": .present([:])])
        #expect(plan.changes.first?.parameters.first?.operation == .add)
        #expect(plan.changes.first?.operation == .modify)
    }

    @Test func unmodifiableDifferenceIsRecreate() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a, version: '2.*', flavor: b}\n",
                            observed: ["pkg:a": .present(["version": .string("1.0"), "flavor": .string("a")])])
        let change = try #require(plan.changes.first)
        #expect(change.operation == .recreate)
        #expect(change.parameters.map(\.name) == ["version", "flavor"])
        #expect(change.parameters.map(\.modifiable) == [true, false])
        #expect(change.reason == "version, flavor differ; flavor cannot be changed in place")
    }

    @Test func createOnlyParametersNeverCauseChanges() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a, token: new}\n",
                            observed: ["pkg:a": .present(["token": .string("old")])])
        #expect(plan.isEmpty)
    }

    @Test func orphansCreatedByTendAreDestroyedAndAdoptedOnesReleased() throws {
        let plan = try plan("tend: 1\nresources: []\n", observed: ["pkg:made": .present([:]), "pkg:found": .present([:])],
                            orphans: [OrphanResource(address: Address(type: "pkg", key: "made"), type: "pkg", createdByTend: true),
                                      OrphanResource(address: Address(type: "pkg", key: "found"), type: "pkg", createdByTend: false)])
        #expect(plan.changes.map(\.operation) == [.release, .destroy])
        #expect(plan.changes[0].reason == "no longer in the config, and it was there before tend")
        #expect(plan.changes[1].reason == "no longer in the config, and tend created it")
    }

    @Test func sensitiveValuesAreDigestsInTheChange() throws {
        let plan = try plan("tend: 1\nresources:\n  - {type: pkg, name: a, secret: '${env.SECRET}', sensitive: [secret]}\n",
                            observed: ["pkg:a": .present(["secret": .string("old")])])
        let parameter = try #require(plan.changes.first?.parameters.first)
        #expect(parameter.sensitive)
        // Keyed digests: a bare SHA-256 of a weak secret would let anyone holding the plan test guesses.
        #expect(parameter.after == .string(SecretDigest.ephemeral.digest("hunter2")))
        #expect(parameter.before == .string(SecretDigest.ephemeral.digest("old")))
        let rendered = PlanTextRenderer(home: "/home/me").render(plan) + PlanJSONRenderer().render(plan)
            + PlanMarkdownRenderer().render(plan) + PlanJSONRenderer(purpose: .savedPlan).render(plan)
        #expect(!rendered.contains("hunter2"))
        #expect(!rendered.contains(SHA256.digest("hunter2")))
        #expect(rendered.contains("hmac-sha256:"))
        #expect(rendered.contains("(sensitive)"))
    }
}

@Suite struct PlannerOrderTests {
    static let yaml = """
        tend: 1
        resources:
          - {type: pkg, name: c, dependsOn: [pkg:b]}
          - {type: pkg, name: b, dependsOn: [pkg:a]}
          - {type: pkg, name: a}
          - {type: pkg, name: z, ensure: absent, dependsOn: [pkg:y]}
          - {type: pkg, name: y, ensure: absent}
          - {type: pkg, name: solo, tags: [lonely]}
        """

    @Test func destroysInReverseDependencyOrderThenCreatesInOrder() throws {
        let plan = try plan(Self.yaml, observed: ["pkg:z": .present([:]), "pkg:y": .present([:])])
        #expect(plan.changes.map(\.address.description) == ["pkg:z", "pkg:y", "pkg:a", "pkg:b", "pkg:c", "pkg:solo"])
        #expect(plan.changes.map(\.operation) == [.destroy, .destroy, .create, .create, .create, .create])
        #expect(plan.changes[4].dependsOn.map(\.description) == ["pkg:b"])
    }

    @Test func targetSelectsTheResourceAndWhatItDependsOn() throws {
        let plan = try plan(Self.yaml, observed: [:], selection: .init(targets: [Address(type: "pkg", key: "b")]))
        #expect(plan.changes.map(\.address.description) == ["pkg:a", "pkg:b"])
    }

    @Test func tagSelectsTaggedResources() throws {
        let plan = try plan(Self.yaml, observed: [:], selection: .init(tags: ["lonely"]))
        #expect(plan.changes.map(\.address.description) == ["pkg:solo"])
    }

    @Test func unknownTargetAndTagAreErrors() throws {
        #expect(throws: PlanError.self) {
            try plan(Self.yaml, observed: [:], selection: .init(targets: [Address(type: "pkg", key: "nope")]))
        }
        #expect(throws: PlanError.self) { try plan(Self.yaml, observed: [:], selection: .init(tags: ["none"])) }
    }
}

@Suite struct ValueComparisonTests {
    @Test(arguments: [
        ("15.*", "15.3-1", true), ("15.*", "16.0", false), ("15", "15.3-1", true), ("15", "150", false),
        ("1.2.?", "1.2.3", true), ("1.2.?", "1.2.10", false), ("*", "anything", true), ("2.10-3", "2.10-3", true),
        ("*ubuntu*", "1.0-0ubuntu1", true),
    ])
    func versionPatterns(pattern: String, version: String, expected: Bool) {
        #expect(ValueComparison.matches(.string(pattern), .string(version), comparison: .versionPattern, home: "/h") == expected)
    }

    @Test func versionPatternNeedsAnInstalledVersion() {
        #expect(!ValueComparison.matches(.string("1.*"), nil, comparison: .versionPattern, home: "/h"))
    }

    @Test func modesCompareAsNumbers() {
        #expect(ValueComparison.matches(.string("644"), .string("0644"), comparison: .mode, home: "/h"))
        #expect(!ValueComparison.matches(.string("0644"), .string("0600"), comparison: .mode, home: "/h"))
    }

    @Test func pathsCompareNormalised() {
        #expect(ValueComparison.matches(.string("~/a/./b/"), .string("/h/a/b"), comparison: .path, home: "/h"))
        #expect(!ValueComparison.matches(.string("~/a"), .string("/h/b"), comparison: .path, home: "/h"))
    }

    @Test func listsCompareAsSetsOnlyWhenAskedTo() {
        let a = Value.list([.string("x"), .string("y")])
        let b = Value.list([.string("y"), .string("x"), .string("x")])
        #expect(ValueComparison.matches(a, b, comparison: .unorderedList, home: "/h"))
        #expect(!ValueComparison.matches(a, b, comparison: .exact, home: "/h"))
    }

    @Test func scalarsCompareByText() {
        #expect(ValueComparison.matches(.int(1), .string("1"), comparison: .exact, home: "/h"))
        #expect(!ValueComparison.matches(.string("1"), .string("01"), comparison: .exact, home: "/h"))
    }
}
