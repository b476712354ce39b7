import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// A temporary HOME whose config lives in `HOME/conf`, and the real engine and executor over it.
private final class ScriptWorld: @unchecked Sendable {
    let home: TemporaryHome
    let log = ScriptLogLines()
    var conf: String { home.path + "/conf" }

    init() throws {
        home = try TemporaryHome()
    }

    var host: Machine { home.host() }

    func load(_ resources: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
        let loader = ConfigLoader(catalog: BuiltinSchemas.catalog, host: home.facts(), workingDirectory: home.path)
        let text = "tend: 1\nresources:\n" + resources
        let path = try home.write("conf/tend.yaml", text)
        let result = loader.load(text: text, path: path)
        let shown = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        #expect(result.diagnostics.isEmpty, "\(shown)", sourceLocation: sourceLocation)
        return try #require(result.config, "\(shown)", sourceLocation: sourceLocation)
    }

    func plan(_ config: Config) async throws -> PlanResult {
        try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config)
    }

    func apply(_ config: Config, attempts: Int = 3) async throws -> ApplySummary {
        let planned = try await plan(config)
        return await Executor(registry: BuiltinTypes.registry, host: host, progress: log,
                              retryOverride: RetryPolicy(attempts: attempts, backoff: 0))
            .apply(plan: planned.plan, resources: planned.resources, observations: planned.observations)
    }

    func converge(_ config: Config, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let summary = try await apply(config)
        #expect(summary.succeeded, "\(summary.outcomes)", sourceLocation: sourceLocation)
        let again = try await plan(config)
        #expect(again.plan.changes.isEmpty, "\(again.plan.changes.map { "\($0.address): \($0.reason)" })",
                sourceLocation: sourceLocation)
    }

    /// The message and attempts of a failed change.
    func failure(_ summary: ApplySummary, _ id: String) -> (message: String, attempts: Int)? {
        if case .failed(let message, _, let attempts)? = summary.outcomes[Address(type: "script", key: id)] {
            return (message, attempts)
        }
        return nil
    }

    func read(_ relative: String) -> String? {
        try? String(contentsOfFile: home.path + "/" + relative, encoding: .utf8)
    }
}

private final class ScriptLogLines: ApplyProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func started(_ change: ResourceChange) {}
    func finished(_ change: ResourceChange, outcome: ChangeOutcome) {}
    func log(_ address: Address?, _ line: String) { lock.withLock { lines.append(line) } }
}

@Suite struct ScriptApplyTests {
    @Test func createAndDestroyRunInTheConfigDirectoryWithTheEnvironmentAndConverge() async throws {
        let world = try ScriptWorld()
        let pwned = "/tmp/PWNED-" + UUID().uuidString
        let greeting = "hi; $(touch \(pwned)) `touch \(pwned)` 'q' \"qq\""
        func config(ensure: String = "present") throws -> Config {
            try world.load("""
                  - type: script
                    id: marker
                    check: test -f marker
                    create: printf '%s|%s' "$GREETING" "$(pwd)" > marker
                    destroy: rm marker
                    environment:
                      GREETING: '\(greeting.replacingOccurrences(of: "'", with: "''"))'
                    ensure: \(ensure)
                """)
        }
        try await world.converge(try config())
        #expect(world.read("conf/marker") == greeting + "|" + world.conf)
        #expect(!FileManager.default.fileExists(atPath: pwned))

        try await world.converge(try config(ensure: "absent"))
        #expect(world.read("conf/marker") == nil)
    }

    @Test func aFailingTextFailsWithItsOutputAndIsNotRetried() async throws {
        let world = try ScriptWorld()
        let summary = try await world.apply(try world.load("""
              - type: script
                id: broken
                check: "false"
                create: echo progress; echo it broke >&2; echo count >> ../attempts; exit 3
            """), attempts: 3)
        let failed = try #require(world.failure(summary, "broken"))
        #expect(failed.message == "the create text of script broken exited with status 3:\nit broke")
        #expect(failed.attempts == 1)
        #expect(world.read("attempts") == "count\n")
    }

    @Test func aTextThatSucceedsWithoutMakingTheCheckPassDoesNotConverge() async throws {
        let world = try ScriptWorld()
        let summary = try await world.apply(try world.load("""
              - { type: script, id: liar, check: test -f never, create: "true" }
            """))
        #expect(world.failure(summary, "liar")?.message == "did not converge: check exited 1")
    }

    @Test func destroyWithoutDestroyTextFails() async throws {
        let world = try ScriptWorld()
        let summary = try await world.apply(try world.load("""
              - { type: script, id: keeper, check: "true", create: "true", ensure: absent }
            """))
        #expect(world.failure(summary, "keeper")?.message == "script keeper has no destroy text")
    }

    /// The time-out stops the text's process (it is gone when apply returns, its last line never ran) and the
    /// failure says so with the output so far. Five seconds, so that even a loaded machine prints "started" first.
    @Test func aTextThatRunsTooLongIsStopped() async throws {
        let world = try ScriptWorld()
        let summary = try await world.apply(try world.load("""
              - { type: script, id: slow, check: "false", create: "echo $$ > slow.pid; echo started; sleep 30; touch done", timeout: 5 }
            """))
        let failed = try #require(world.failure(summary, "slow"))
        #expect(failed.message == "the create text of script slow timed out after 5s and was stopped:\nstarted")
        #expect(failed.attempts == 1)
        let text = try #require(try? String(contentsOfFile: world.conf + "/slow.pid", encoding: .utf8), "the text never started")
        let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!Awaited.isRunning(pid), "the text still runs after apply returned")
        #expect(!FileManager.default.fileExists(atPath: world.conf + "/done"))
    }

    @Test func sensitiveTextIsRunButNotShown() async throws {
        let world = try ScriptWorld()
        let secret = "secret-\(UUID().uuidString)"
        try await world.converge(try world.load("""
              - type: script
                id: token
                check: test -f token
                create: echo \(secret) > token
                sensitive: [create]
            """))
        #expect(world.read("conf/token") == secret + "\n")
        #expect(world.log.all.contains { $0.hasSuffix("/bin/sh -c '(sensitive)'") })
        #expect(!world.log.all.contains { $0.contains(secret) })
    }

    /// The planner never modifies a script (its texts compare only at create); a modify request still runs
    /// `modify`, or `create` when there is none.
    @Test(arguments: [(true, "modify\n"), (false, "create\n")])
    func modifyRunsModifyElseCreate(hasModify: Bool, expected: String) async throws {
        let world = try ScriptWorld()
        let config = try world.load("""
              - type: script
                id: both
                check: "true"
                create: echo create > ran
            """ + (hasModify ? "\n    modify: echo modify > ran\n" : "\n"))
        let resource = try #require(config.resources.first)
        let change = ResourceChange(address: resource.address, type: "script", operation: .modify, parameters: [],
                                    message: "", reason: "", dependsOn: [], fingerprint: "")
        let outcomes = await ScriptResource().apply([ChangeRequest(change: change, resource: resource,
                                                                   observation: .present([:]))],
                                                    context: ApplyContext(host: world.host, backups: nil))
        #expect(outcomes[resource.address].map { (try? $0.get()) != nil } == true)
        #expect(world.read("conf/ran") == expected)
    }
}
