import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// A temporary HOME, a state store and the real engine and executor over a registry of system setting types
/// pointed at files the test owns (a passwd file, a tree with `etc/`), so that plan, apply and release run for
/// real without touching the machine's own settings.
final class SystemSettingWorld: @unchecked Sendable {
    let home: TemporaryHome
    let store: InMemoryStateStore
    /// The types under test; a test may swap in ones pointed at files in `home`.
    var registry: TypeRegistry

    init(_ types: [any ResourceType]) throws {
        home = try TemporaryHome(prefix: "tend-system")
        store = InMemoryStateStore(backupDirectory: home.path + "/.state/backups")
        registry = TypeRegistry(types)
    }

    /// A host whose runner is scripted, for types whose tool cannot run here.
    var hostOverride: Machine?

    var host: Machine { hostOverride ?? home.host() }

    func load(_ resources: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
        let result = loadResult(resources)
        let shown = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        #expect(result.diagnostics.isEmpty, "\(shown)", sourceLocation: sourceLocation)
        return try #require(result.config, "\(shown)", sourceLocation: sourceLocation)
    }

    /// The loader's verdict on `resources`, diagnostics as the CLI prints them.
    func loadResult(_ resources: String) -> ConfigLoadResult {
        let loader = ConfigLoader(catalog: registry.catalog, host: home.facts(), workingDirectory: home.path)
        return loader.load(text: "tend: 1\nresources:\n" + resources, path: home.path + "/tend.yaml")
    }

    func plan(_ config: Config) async throws -> PlanResult {
        try await Engine(registry: registry, host: host).plan(config: config, state: store)
    }

    func apply(_ config: Config) async throws -> (plan: Plan, summary: ApplySummary) {
        let planned = try await plan(config)
        let run = try store.beginRun(kind: .apply, configPath: config.rootPath, configDigest: config.digest,
                                     pid: getpid(), hostname: "test")
        let journal = StateJournal(store: store, runID: run.id, configPath: config.rootPath, registry: registry)
        let summary = await Executor(registry: registry, host: host, journal: journal,
                                     backups: StateBackupKeeper(store: store), retryOverride: RetryPolicy(attempts: 1, backoff: 0))
            .apply(plan: planned.plan, resources: planned.resources, observations: planned.observations)
        return (planned.plan, summary)
    }

    static func failures(_ summary: ApplySummary) -> [String] {
        summary.order.compactMap { address in
            switch summary.outcomes[address] {
            case .failed(let message, _, _): return "\(address): \(message)"
            case .skipped(let reason): return "\(address): skipped: \(reason)"
            default: return nil
            }
        }
    }
}
