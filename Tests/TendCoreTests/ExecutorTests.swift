import Foundation
import Testing
import TendTestSupport
@testable import TendCore

/// An in-memory world for executor tests: resources exist when their key is in `present`.
final class World: @unchecked Sendable {
    private let lock = NSLock()
    private var present: Set<String> = []
    private(set) var calls: [[String]] = []
    private var running = 0
    private(set) var maxRunning = 0
    var failures: [String: ApplyFailure] = [:]
    /// Keys whose apply "succeeds" without changing anything (to test verification).
    var liars: Set<String> = []
    /// Failures that clear after this many attempts.
    var flaky: [String: Int] = [:]
    /// Updated configurations that changes hand back, by key (a plugin's CONTROL, a resolved version).
    var handBack: [String: [String: Value]] = [:]
    var delay: Double = 0
    /// When set, the first applies are held until this many run at once (then none is held): overlap comes from
    /// an event, not from a delay a loaded machine may outlast. Fewer ever together ends at the hang guard.
    var together = 0
    private var wereTogether = false

    func has(_ key: String) -> Bool { lock.withLock { present.contains(key) } }
    func set(_ key: String, _ on: Bool) { lock.withLock { if on { present.insert(key) } else { present.remove(key) } } }

    func apply(_ requests: [ChangeRequest]) async -> ChangeOutcomes {
        lock.withLock {
            calls.append(requests.map { "\($0.operation.rawValue) \($0.address.key)" })
            running += 1
            maxRunning = max(maxRunning, running)
            if together > 0 && running >= together { wereTogether = true }
        }
        if together > 0 {
            try? await Awaited.until("\(together) applies running at once") { lock.withLock { wereTogether } }
        }
        if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            let key = request.address.key
            let failure: ApplyFailure? = lock.withLock {
                if let remaining = flaky[key], remaining > 0 {
                    flaky[key] = remaining - 1
                    return ApplyFailure("dpkg lock is held", retryable: true)
                }
                return failures[key]
            }
            if let failure {
                outcomes[request.address] = .failure(failure)
                continue
            }
            if !liars.contains(key) { set(key, request.operation != .destroy) }
            outcomes[request.address] = .success(ChangeResult(outputs: ["id": .string("id-\(key)")],
                                                              updatedParameters: handBack[key]))
        }
        lock.withLock { running -= 1 }
        return outcomes
    }
}

struct WorldType: ApplyingResourceType {
    var schema: TypeSchema
    let world: World
    var batchSize: Int = 1
    var lockGroup: String?

    func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var result: [Address: Observation] = [:]
        for resource in resources where world.has(resource.address.key) {
            result[resource.address] = .present(world.handBack[resource.address.key] ?? [:])
        }
        return result
    }

    func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        await world.apply(requests)
    }
}

func thing(_ name: String) -> TypeSchema {
    TypeSchema(name: name, summary: name, parameters: [
        ParameterSchema("name", .string, key: true, summary: "name"),
        ParameterSchema("ref", .string, summary: "may hold an output reference"),
    ], acceptsPackageList: true, example: "")
}

struct ExecutorHarness {
    let world = World()
    var registry: TypeRegistry
    let machine: Machine

    init(batch: Int = 1, lockGroup: String? = nil) {
        registry = TypeRegistry([
            WorldType(schema: thing("pkg"), world: world, batchSize: batch, lockGroup: lockGroup),
            WorldType(schema: thing("svc"), world: world),
        ])
        machine = Machine(facts: facts(), runner: ScriptedProcessRunner(), isRoot: true)
    }

    func run(_ yaml: String, jobs: Int = 4, stop: StopSignal = StopSignal(), journal: (any ApplyJournal)? = nil)
        async throws -> (ApplySummary, Plan) {
        let loader = ConfigLoader(catalog: registry.catalog, host: facts(), workingDirectory: "/work")
        let result = loader.load(text: yaml, path: "tend.yaml")
        let config = try #require(result.config, "\(result.diagnostics)")
        let planned = try await Engine(registry: registry, host: machine).plan(config: config)
        let executor = Executor(registry: registry, host: machine, jobs: jobs, journal: journal, stop: stop,
                                retryOverride: RetryPolicy(attempts: 3, backoff: 0))
        let summary = await executor.apply(plan: planned.plan, resources: planned.resources, observations: planned.observations)
        return (summary, planned.plan)
    }
}

@Suite struct ExecutorTests {
    @Test func appliesInDependencyOrderAndConverges() async throws {
        let harness = ExecutorHarness()
        let (summary, _) = try await harness.run("""
            tend: 1
            resources:
              - {type: svc, name: c, dependsOn: [svc:b]}
              - {type: svc, name: b, dependsOn: [pkg:a]}
              - {type: pkg, name: a}
            """)
        #expect(summary.succeeded)
        #expect(summary.changed == 3)
        #expect(harness.world.calls == [["create a"], ["create b"], ["create c"]])
        #expect(harness.world.has("a") && harness.world.has("b") && harness.world.has("c"))
    }

    @Test func batchableChangesMergeIntoOneCall() async throws {
        let harness = ExecutorHarness(batch: 10, lockGroup: "dpkg")
        let (summary, _) = try await harness.run("tend: 1\nresources:\n  - {type: pkg, packages: [a, b, c]}\n")
        #expect(summary.succeeded)
        #expect(harness.world.calls == [["create a", "create b", "create c"]])
    }

    @Test func lockGroupsNeverRunTogetherButOthersDo() async throws {
        let harness = ExecutorHarness(batch: 1, lockGroup: "dpkg")
        harness.world.together = 2
        harness.world.delay = 0.05
        let (summary, _) = try await harness.run("""
            tend: 1
            resources:
              - {type: pkg, packages: [a, b, c]}
              - {type: svc, name: x}
              - {type: svc, name: y}
            """, jobs: 8)
        #expect(summary.succeeded)
        #expect(harness.world.calls.count == 5)
        #expect(harness.world.maxRunning >= 2)
        #expect(harness.world.maxRunning <= 3, "at most one pkg at a time plus two svc")
    }

    @Test func jobsLimitConcurrency() async throws {
        let harness = ExecutorHarness()
        harness.world.delay = 0.05
        _ = try await harness.run("tend: 1\nresources:\n  - {type: svc, name: a}\n  - {type: svc, name: b}\n  - {type: svc, name: c}\n",
                                  jobs: 1)
        #expect(harness.world.maxRunning == 1)
    }

    @Test func failureSkipsDependentsAndIndependentOnesGoOn() async throws {
        let harness = ExecutorHarness()
        harness.world.failures["a"] = ApplyFailure("no such package 'a'")
        let (summary, _) = try await harness.run("""
            tend: 1
            resources:
              - {type: pkg, name: a}
              - {type: svc, name: b, dependsOn: [pkg:a]}
              - {type: svc, name: c, dependsOn: [svc:b]}
              - {type: svc, name: free}
            """)
        #expect(!summary.succeeded)
        #expect(summary.outcomes[Address(type: "pkg", key: "a")] == .failed(message: "no such package 'a'", duration: summary.outcomes[Address(type: "pkg", key: "a")].flatMap { if case .failed(_, let d, _) = $0 { return d } else { return nil } } ?? 0, attempts: 1))
        #expect(summary.outcomes[Address(type: "svc", key: "b")] == .skipped(reason: "pkg:a did not succeed"))
        #expect(summary.outcomes[Address(type: "svc", key: "c")] == .skipped(reason: "svc:b did not succeed"))
        #expect(summary.outcomes[Address(type: "svc", key: "free")]?.isSuccess == true)
        #expect(summary.summaryLine.hasPrefix("Apply finished with problems: 1 changed, 0 unchanged, 1 failed, 2 skipped"))
    }

    @Test func retryableFailuresAreRetried() async throws {
        let harness = ExecutorHarness()
        harness.world.flaky["a"] = 2
        let (summary, _) = try await harness.run("tend: 1\nresources:\n  - {type: pkg, name: a}\n")
        guard case .succeeded(_, let attempts)? = summary.outcomes[Address(type: "pkg", key: "a")] else {
            Issue.record("not succeeded: \(summary.outcomes)")
            return
        }
        #expect(attempts == 3)
    }

    @Test func retriesStopAtTheLimit() async throws {
        let harness = ExecutorHarness()
        harness.world.flaky["a"] = 5
        let (summary, _) = try await harness.run("tend: 1\nresources:\n  - {type: pkg, name: a}\n")
        guard case .failed(let message, _, let attempts)? = summary.outcomes[Address(type: "pkg", key: "a")] else {
            Issue.record("not failed")
            return
        }
        #expect(attempts == 3)
        #expect(message == "dpkg lock is held")
    }

    @Test func unrecoverableFailuresAreNotRetried() async throws {
        let harness = ExecutorHarness()
        harness.world.failures["a"] = ApplyFailure("permission denied")
        _ = try await harness.run("tend: 1\nresources:\n  - {type: pkg, name: a}\n")
        #expect(harness.world.calls.count == 1)
    }

    @Test func successThatChangesNothingDidNotConverge() async throws {
        let harness = ExecutorHarness()
        harness.world.liars = ["a"]
        let (summary, _) = try await harness.run("tend: 1\nresources:\n  - {type: pkg, name: a}\n")
        guard case .failed(let message, _, _)? = summary.outcomes[Address(type: "pkg", key: "a")] else {
            Issue.record("not failed")
            return
        }
        #expect(message == "did not converge: does not exist")
    }

    @Test func destroysRunDependentsFirst() async throws {
        let harness = ExecutorHarness()
        for key in ["a", "b"] { harness.world.set(key, true) }
        let (summary, _) = try await harness.run("""
            tend: 1
            resources:
              - {type: pkg, name: a, ensure: absent}
              - {type: svc, name: b, ensure: absent, dependsOn: [pkg:a]}
            """)
        #expect(summary.succeeded)
        #expect(harness.world.calls == [["destroy b"], ["destroy a"]])
    }

    @Test func outputsFlowToDependents() async throws {
        let harness = ExecutorHarness()
        let (summary, _) = try await harness.run("""
            tend: 1
            resources:
              - {type: pkg, name: a}
              - {type: svc, name: b, ref: "uses ${outputs.pkg:a.id}"}
            """)
        #expect(summary.succeeded)
        #expect(harness.world.calls == [["create a"], ["create b"]])
    }

    @Test func stopBeforeStartSkipsEverything() async throws {
        let harness = ExecutorHarness()
        let stop = StopSignal()
        stop.requestStop()
        let (summary, _) = try await harness.run("tend: 1\nresources:\n  - {type: pkg, name: a}\n", stop: stop)
        #expect(summary.interrupted)
        #expect(summary.outcomes[Address(type: "pkg", key: "a")] == .skipped(reason: "tend was interrupted before it started"))
        #expect(harness.world.calls.isEmpty)
    }

    @Test func journalRecordsEveryChangeInTheStore() async throws {
        let harness = ExecutorHarness()
        harness.world.failures["bad"] = ApplyFailure("boom")
        let store = InMemoryStateStore(backupDirectory: "/nonexistent")
        let run = try store.beginRun(kind: .apply, configPath: "/work/tend.yaml", configDigest: "sha256:x", pid: getpid(),
                                     hostname: "box")
        let journal = StateJournal(store: store, runID: run.id, configPath: "/work/tend.yaml", registry: harness.registry)
        _ = try await harness.run("""
            tend: 1
            resources:
              - {type: pkg, name: good}
              - {type: pkg, name: bad}
              - {type: svc, name: after, dependsOn: [pkg:bad]}
            """, journal: journal)
        let managed = try store.managedResources()
        #expect(managed.map(\.address.description) == ["pkg:good"])
        #expect(managed.first?.createdByTend == true)
        #expect(managed.first?.outputs == ["id": .string("id-good")])
        let reports = try store.reports(runID: run.id)
        #expect(Set(reports.map { "\($0.address) \($0.status.rawValue)" }) == ["pkg:good succeeded", "pkg:bad failed", "svc:after skipped"])
        let pending = try store.pendingTransactions()
        #expect(pending.map(\.address.description) == ["pkg:bad"])
        #expect(pending.first?.status == .failed)
    }

    @Test func anUpdatedConfigurationIsValidatedAndMergedIntoTheState() async throws {
        let harness = ExecutorHarness()
        harness.world.handBack["good"] = ["ref": .string("resolved-1.2.3")]
        harness.world.handBack["bad"] = ["nope": .string("x")]
        harness.world.handBack["wrong-kind"] = ["ref": .list([.string("a")])]
        let store = InMemoryStateStore(backupDirectory: "/nonexistent")
        let run = try store.beginRun(kind: .apply, configPath: "/work/tend.yaml", configDigest: "sha256:x", pid: getpid(),
                                     hostname: "box")
        let journal = StateJournal(store: store, runID: run.id, configPath: "/work/tend.yaml", registry: harness.registry)
        let (summary, _) = try await harness.run("""
            tend: 1
            resources:
              - {type: pkg, name: good}
              - {type: pkg, name: bad}
              - {type: pkg, name: wrong-kind}
            """, journal: journal)
        #expect(summary.outcomes[Address(type: "pkg", key: "good")]?.isSuccess == true)
        #expect(try store.managedResource(Address(type: "pkg", key: "good"))?.parameters
                == ["name": .string("good"), "ref": .string("resolved-1.2.3")])
        guard case .failed(let bad, _, _)? = summary.outcomes[Address(type: "pkg", key: "bad")],
              case .failed(let wrong, _, _)? = summary.outcomes[Address(type: "pkg", key: "wrong-kind")] else {
            Issue.record("the invalid configurations did not fail: \(summary.outcomes)")
            return
        }
        #expect(bad == "the change handed back a configuration that does not validate: 'nope' is not a parameter of type pkg")
        #expect(wrong.hasPrefix("the change handed back a configuration that does not validate: 'ref' of type pkg expects a string"))
        #expect(try store.managedResource(Address(type: "pkg", key: "bad")) == nil)
    }
}
