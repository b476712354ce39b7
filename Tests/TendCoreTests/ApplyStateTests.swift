import Foundation
import Testing
import TendTestSupport
@testable import TendCore

/// A type whose refresh always fails, as a broken host query would.
struct UnreadableType: ApplyingResourceType {
    var schema: TypeSchema
    let world: World

    func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        throw ApplyFailure("the disk holding it is not mounted")
    }

    func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        await world.apply(requests)
    }
}

/// A journal whose every write after `begin` fails, as a full disk or a dropped table would make it.
struct FailingJournal: ApplyJournal {
    struct WriteFailed: Error, CustomStringConvertible {
        var description: String { "disk I/O error" }
    }

    let runID: Int64 = 1

    func begin(_ request: ChangeRequest) throws -> String { "token-\(request.address.key)" }
    func succeeded(token: String, request: ChangeRequest, result: ChangeResult, report: OperationReport) throws {
        throw WriteFailed()
    }
    func failed(token: String, request: ChangeRequest, report: OperationReport) throws { throw WriteFailed() }
    func skipped(_ change: ResourceChange, report: OperationReport) throws { throw WriteFailed() }
}

/// Says yes to every plan and keeps the notes.
final class AgreeingInteraction: ApplyInteraction, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    var notes: [String] { lock.withLock { collected } }

    func review(_ plan: Plan) async -> Bool { true }
    func acquirePrivileges() async throws {}
    func note(_ text: String) { lock.withLock { collected.append(text) } }
}

@Suite struct ApplyStateTests {
    private let broken = Address(type: "svc", key: "a")

    /// Issue 9 case 8: a killed destroy whose resource cannot be refreshed is neither taken for absent nor
    /// forgotten with its backups; the apply stops and names the resource, the cause and the way out.
    @Test func aRefreshThatFailsWhileReconcilingKeepsTheChangeOpenAndStops() async throws {
        let world = World()
        let registry = TypeRegistry([WorldType(schema: thing("pkg"), world: world),
                                     UnreadableType(schema: thing("svc"), world: world)])
        let machine = Machine(facts: facts(), runner: ScriptedProcessRunner(), isRoot: true)
        let directory = try TemporaryHome(prefix: "tend-reconcile")
        let store = InMemoryStateStore(backupDirectory: directory.path)
        let killed = try store.beginRun(kind: .destroy, configPath: "/work/tend.yaml", configDigest: "sha256:x",
                                        pid: getpid(), hostname: "box")
        try store.saveManagedResource(ManagedResource(address: broken, type: "svc", parameters: ["name": .string("a")],
                                                      createdByTend: true, configPaths: ["/work/tend.yaml"]))
        _ = try store.addBackup(Backup(address: broken, path: "/home/me/a.conf", kind: .file, mode: 0o644, uid: 0, gid: 0))
        let open = try store.beginTransaction(runID: killed.id, address: broken, type: "svc", operation: .destroy,
                                              change: "{}")

        let loaded = ConfigLoader(catalog: registry.catalog, host: facts(), workingDirectory: "/work")
            .load(text: "tend: 1\nresources:\n  - {type: pkg, name: b}\n", path: "tend.yaml")
        let config = try #require(loaded.config, "\(loaded.diagnostics)")
        let session = ApplySession(engine: Engine(registry: registry, host: machine), store: store,
                                   lock: StateLock(statePath: directory.path + "/state.db"), progress: SilentProgress(),
                                   stop: StopSignal(), interaction: AgreeingInteraction())
        do {
            _ = try await session.run(config: config, mode: .apply(Planner.Selection()))
            Issue.record("the apply went on although svc:a could not be checked")
        } catch let error as ApplyError {
            guard case .unreconciled(let change, let cause) = error else {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(change.token == open.token)
            #expect(cause.contains("the disk holding it is not mounted"))
            let text = "\(error)"
            #expect(text.contains("the destroy of svc:a") && text.contains("the change stays open"), "\(text)")
            #expect(text.contains("tend recover \(open.token) --done"), "\(text)")
        }
        let pending = try store.pendingTransactions()
        #expect(pending.map(\.token) == [open.token])
        #expect(pending.first?.status == .open)
        #expect(try store.managedResource(broken) != nil, "the resource was forgotten")
        #expect(try store.backups(for: broken).count == 1, "its backups were dropped")
        #expect(world.calls.isEmpty, "something ran although the apply stopped")
    }

    /// A killed destroy that did take effect is recorded as a finished destroy is: the record goes, the
    /// backups (maybe the only copy of an original) stay, and the killed run's report says what was found.
    @Test func aDestroyFoundDoneWhileReconcilingKeepsTheBackups() async throws {
        let harness = ExecutorHarness()
        let gone = Address(type: "pkg", key: "gone")
        let directory = try TemporaryHome(prefix: "tend-reconcile")
        let store = InMemoryStateStore(backupDirectory: directory.path)
        let killed = try store.beginRun(kind: .apply, configPath: "/work/tend.yaml", configDigest: "sha256:x",
                                        pid: getpid(), hostname: "box")
        try store.saveManagedResource(ManagedResource(address: gone, type: "pkg", parameters: ["name": .string("gone")],
                                                      createdByTend: true, configPaths: ["/work/tend.yaml"]))
        _ = try store.addBackup(Backup(address: gone, path: "/home/me/gone.conf", kind: .file, mode: 0o644, uid: 0, gid: 0))
        _ = try store.beginTransaction(runID: killed.id, address: gone, type: "pkg", operation: .destroy, change: "{}")

        let loaded = ConfigLoader(catalog: harness.registry.catalog, host: facts(), workingDirectory: "/work")
            .load(text: "tend: 1\nresources: []\n", path: "tend.yaml")
        let config = try #require(loaded.config, "\(loaded.diagnostics)")
        let interaction = AgreeingInteraction()
        let session = ApplySession(engine: Engine(registry: harness.registry, host: harness.machine), store: store,
                                   lock: StateLock(statePath: directory.path + "/state.db"), progress: SilentProgress(),
                                   stop: StopSignal(), interaction: interaction)
        _ = try await session.run(config: config, mode: .apply(Planner.Selection()))
        #expect(try store.pendingTransactions().isEmpty)
        #expect(try store.managedResource(gone) == nil)
        #expect(try store.backups(for: gone).count == 1, "the backups went with the record")
        let report = try #require(try store.reports(runID: killed.id).first)
        #expect(report.status == .interrupted && report.error == "interrupted; the next run found it absent")
        #expect(interaction.notes.contains { $0.contains("reconciled pkg:gone") && $0.contains("absent now") })
    }

    /// A killed create whose resource is there and matches the config counts as done: its record is saved and
    /// an earlier failure of the same address is closed with it.
    @Test func aCreateFoundConvergedWhileReconcilingClosesEarlierFailures() async throws {
        let harness = ExecutorHarness()
        harness.world.set("x", true)
        let x = Address(type: "pkg", key: "x")
        let directory = try TemporaryHome(prefix: "tend-reconcile")
        let store = InMemoryStateStore(backupDirectory: directory.path)
        let earlier = try store.beginRun(kind: .apply, configPath: "/work/tend.yaml", configDigest: "sha256:x",
                                         pid: getpid(), hostname: "box")
        let failed = try store.beginTransaction(runID: earlier.id, address: x, type: "pkg", operation: .create, change: "{}")
        try store.failTransaction(token: failed.token, report: OperationReport(
            runID: earlier.id, address: x, operation: .create, status: .failed, attempts: 1, duration: 0, error: "boom"))
        let killed = try store.beginRun(kind: .apply, configPath: "/work/tend.yaml", configDigest: "sha256:x",
                                        pid: getpid(), hostname: "box")
        _ = try store.beginTransaction(runID: killed.id, address: x, type: "pkg", operation: .create, change: "{}")

        let loaded = ConfigLoader(catalog: harness.registry.catalog, host: facts(), workingDirectory: "/work")
            .load(text: "tend: 1\nresources:\n  - {type: pkg, name: x}\n", path: "tend.yaml")
        let config = try #require(loaded.config, "\(loaded.diagnostics)")
        let session = ApplySession(engine: Engine(registry: harness.registry, host: harness.machine), store: store,
                                   lock: StateLock(statePath: directory.path + "/state.db"), progress: SilentProgress(),
                                   stop: StopSignal(), interaction: AgreeingInteraction())
        let outcome = try await session.run(config: config, mode: .apply(Planner.Selection()))
        guard case .nothingToDo = outcome else {
            Issue.record("expected nothing to do, got \(outcome)")
            return
        }
        #expect(try store.pendingTransactions().isEmpty)
        #expect(try store.managedResource(x)?.configPaths == ["/work/tend.yaml"])
        #expect(try store.reports(runID: killed.id).first?.error == "interrupted; the next run found it present")
    }

    /// Issue 9 case 9: every journal write that fails is in the summary, and the run is not a success.
    @Test func journalWritesThatFailMakeTheRunFailAndAreNamed() async throws {
        let harness = ExecutorHarness()
        harness.world.failures["bad"] = ApplyFailure("boom")
        let (summary, _) = try await harness.run("""
            tend: 1
            resources:
              - {type: pkg, name: good}
              - {type: pkg, name: bad}
              - {type: svc, name: after, dependsOn: [pkg:bad]}
            """, journal: FailingJournal())
        #expect(summary.outcomes[Address(type: "pkg", key: "good")]?.isSuccess == true, "the host did change")
        #expect(!summary.succeeded)
        let problems = summary.stateProblems.sorted()
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("pkg:good: the create was done on this machine but could not be recorded")
                                    && $0.hasSuffix("disk I/O error") })
        #expect(problems.contains { $0.hasPrefix("pkg:bad: the failure of its create could not be recorded") })
        #expect(problems.contains { $0.hasPrefix("svc:after: could not record in the state that its create was skipped") })
        #expect(summary.summaryLine.contains("3 not recorded in the state"), "\(summary.summaryLine)")
    }

    @Test func aSuccessfulRunWithEveryWriteRecordedHasNoStateProblems() async throws {
        let harness = ExecutorHarness()
        let store = InMemoryStateStore(backupDirectory: "/nonexistent")
        let run = try store.beginRun(kind: .apply, configPath: "/work/tend.yaml", configDigest: "sha256:x", pid: getpid(),
                                     hostname: "box")
        let journal = StateJournal(store: store, runID: run.id, configPath: "/work/tend.yaml", registry: harness.registry)
        let (summary, _) = try await harness.run("tend: 1\nresources:\n  - {type: pkg, name: good}\n", journal: journal)
        #expect(summary.succeeded)
        #expect(summary.stateProblems.isEmpty)
    }

    /// A change that succeeds closes the failures its address left, and only those; each pending change
    /// knows the config of its run.
    @Test(arguments: StoreKind.allCases)
    func successClosesEarlierFailuresOfItsAddressOnly(kind: StoreKind) throws {
        let store = try StoreFixture(kind).store
        let first = try store.beginRun(kind: .apply, configPath: "/home/me/work.yaml", configDigest: "sha256:a",
                                       pid: getpid(), hostname: LocalProcess.hostname)
        let x = Address(type: "apt", key: "x")
        let y = Address(type: "apt", key: "y")
        for address in [x, y] {
            let change = try store.beginTransaction(runID: first.id, address: address, type: "apt", operation: .create,
                                                    change: "{}")
            #expect(change.configPath == "/home/me/work.yaml")
            try store.failTransaction(token: change.token, report: OperationReport(
                runID: first.id, address: address, operation: .create, status: .failed, attempts: 1, duration: 0,
                error: "no such package"))
        }
        let second = try store.beginRun(kind: .apply, configPath: "/home/me/other.yaml", configDigest: "sha256:b",
                                        pid: getpid(), hostname: LocalProcess.hostname)
        let retry = try store.beginTransaction(runID: second.id, address: x, type: "apt", operation: .create, change: "{}")
        try store.completeTransaction(
            token: retry.token,
            report: OperationReport(runID: second.id, address: x, operation: .create, status: .succeeded, attempts: 1,
                                    duration: 0),
            managed: ManagedResource(address: x, type: "apt", parameters: [:], createdByTend: true,
                                     configPaths: ["/home/me/other.yaml"]),
            removeManaged: false)
        let pending = try store.pendingTransactions()
        #expect(pending.map(\.address) == [y])
        #expect(pending.first?.status == .failed)
        #expect(pending.first?.configPath == "/home/me/work.yaml")
    }

    @Test func markDoneForAResourceThatLeftTheConfigOnlyClosesTheChange() throws {
        let store = InMemoryStateStore(backupDirectory: "/nonexistent")
        let run = try store.beginRun(kind: .apply, configPath: "/work/tend.yaml", configDigest: "sha256:x", pid: getpid(),
                                     hostname: "box")
        let gone = Address(type: "pkg", key: "gone")
        let change = try store.beginTransaction(runID: run.id, address: gone, type: "pkg", operation: .create, change: "{}")
        try store.failTransaction(token: change.token, report: OperationReport(
            runID: run.id, address: gone, operation: .create, status: .failed, attempts: 1, duration: 0, error: "boom"))
        try store.markDone(change, spec: nil, configPath: "/work/tend.yaml", secrets: .ephemeral)
        #expect(try store.pendingTransactions().isEmpty)
        #expect(try store.managedResource(gone) == nil)
        #expect(try store.reports(runID: run.id).last?.status == .succeeded)
    }

    @Test(arguments: StoreKind.allCases)
    func markDoneForADestroyDropsTheRecordButKeepsTheBackups(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let run = try store.beginRun(kind: .destroy, configPath: "/work/tend.yaml", configDigest: "sha256:x",
                                     pid: getpid(), hostname: LocalProcess.hostname)
        let address = Address(type: "file", key: "~/app.conf")
        try store.saveManagedResource(ManagedResource(address: address, type: "file", parameters: [:],
                                                      createdByTend: true, configPaths: ["/work/tend.yaml"]))
        let blob = try fixture.writeBlob("original", "original=1\n")
        _ = try store.addBackup(Backup(address: address, path: "/home/me/app.conf", kind: .file, blobPath: blob,
                                       digest: SHA256.digest("original=1\n"), mode: 0o644, uid: 0, gid: 0))
        let change = try store.beginTransaction(runID: run.id, address: address, type: "file", operation: .destroy,
                                                change: "{}")
        try store.failTransaction(token: change.token, report: OperationReport(
            runID: run.id, address: address, operation: .destroy, status: .failed, attempts: 1, duration: 0,
            error: "permission denied"))
        try store.markDone(change, spec: nil, configPath: "/work/tend.yaml", secrets: .ephemeral)
        #expect(try store.pendingTransactions().isEmpty)
        #expect(try store.managedResource(address) == nil)
        #expect(try store.backups(for: address).count == 1)
        #expect(FileManager.default.fileExists(atPath: blob))
    }
}
