import Foundation
import Testing
@testable import TendCore
import TendTestSupport

/// The stores the behavioural suite runs against: every behaviour must hold for both.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, inMemory

    var testDescription: String { rawValue }
}

/// A store in a fresh temporary directory, removed with the fixture.
struct StoreFixture {
    let directory: TemporaryHome
    let store: any StateStore
    let statePath: String

    init(_ kind: StoreKind) throws {
        directory = try TemporaryHome(prefix: "tend-state")
        statePath = directory.path + "/state/tend/state.db"
        switch kind {
        case .sqlite: store = try SQLiteStateStore(path: statePath)
        case .inMemory:
            let backups = directory.path + "/state/tend/backups"
            try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
            store = InMemoryStateStore(backupDirectory: backups)
        }
    }

    /// Writes a blob under the store's backup directory and returns its path.
    func writeBlob(_ name: String, _ text: String) throws -> String {
        let path = store.backupDirectory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

// Whole seconds plus a binary fraction survive the trip through seconds-since-1970 exactly.
private let t0 = Date(timeIntervalSince1970: 1_700_000_000.5)
private let t1 = Date(timeIntervalSince1970: 1_700_000_060.25)

private let fileA = Address(type: "file", key: "~/.gitconfig")
private let packageB = Address(type: "apt", key: "ripgrep")

private func sampleResource(_ address: Address, createdByTend: Bool = true) -> ManagedResource {
    ManagedResource(
        address: address, type: address.type,
        parameters: [
            "path": .string("~/.gitconfig"), "mode": .int(0o644), "force": .bool(false), "nothing": .null,
            "lines": .list([.string("a"), .string("ünïcödé 😀"), .string("quote \" backslash \\ newline \n")]),
            "nested": .map(["token": .string("sha256:abcd"), "list": .list([.int(-1), .map([:])])]),
        ],
        outputs: ["sha256": .string("sha256:0123"), "size": .int(12)],
        createdByTend: createdByTend, configPaths: ["/home/me/tend.yaml", "/home/me/work.yaml"], updatedAt: t0)
}

private func sampleReport(runID: Int64, address: Address, status: OperationReport.Status = .succeeded,
                          error: String? = nil) -> OperationReport {
    OperationReport(
        runID: runID, address: address, operation: .create, status: status, attempts: 2, duration: 1.25,
        commands: [
            CommandRecord(arguments: ["apt-get", "install", "-y", "ripgrep"], status: 0, duration: 0.5,
                          outputTail: "Setting up ripgrep (13.0.0-4) ...\n"),
            CommandRecord(arguments: ["dpkg-query", "-W", "name with space"], status: 1, duration: 2,
                          outputTail: ""),
        ],
        outputs: ["version": .string("13.0.0-4")], error: error, finishedAt: t1)
}

/// Compares runs field by field: the start to the millisecond (a store may keep dates as seconds since 1970),
/// the end only roughly (the store takes it when the run finishes).
private func expectSameRun(_ actual: RunRecord?, _ expected: RunRecord, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("run \(expected.id) is missing", sourceLocation: sourceLocation)
        return
    }
    var a = actual
    var b = expected
    #expect(abs(a.startedAt.timeIntervalSince(b.startedAt)) < 0.001, sourceLocation: sourceLocation)
    #expect((a.endedAt == nil) == (b.endedAt == nil), sourceLocation: sourceLocation)
    if let x = a.endedAt, let y = b.endedAt { #expect(abs(x.timeIntervalSince(y)) < 0.001, sourceLocation: sourceLocation) }
    a.startedAt = t0; b.startedAt = t0; a.endedAt = nil; b.endedAt = nil
    #expect(a == b, sourceLocation: sourceLocation)
}

/// The pid of a process that has exited and been reaped: surely not running.
func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["true"]
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

@Suite struct StateStoreBehaviourTests {
    @Test(arguments: StoreKind.allCases)
    func managedResourcesRoundTrip(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        #expect(try store.managedResources().isEmpty)
        #expect(try store.managedResource(fileA) == nil)

        let file = sampleResource(fileA)
        let package = sampleResource(packageB, createdByTend: false)
        try store.saveManagedResource(file)
        try store.saveManagedResource(package)
        #expect(try store.managedResource(fileA) == file)
        #expect(try store.managedResource(packageB) == package)
        #expect(try store.managedResources() == [package, file], "sorted by address")

        var updated = file
        updated.parameters = ["path": .string("~/.gitconfig")]
        updated.outputs = [:]
        updated.createdByTend = false
        updated.configPaths = []
        updated.updatedAt = t1
        try store.saveManagedResource(updated)
        #expect(try store.managedResource(fileA) == updated)
        #expect(try store.managedResources().count == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func backupsRoundTripAndRemoveTheirBlobs(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let blob = try fixture.writeBlob("1.blob", "original bytes\n")
        let file = try store.addBackup(Backup(address: fileA, path: "/home/me/.gitconfig", kind: .file, blobPath: blob,
                                              digest: "sha256:feed", mode: 0o600, uid: 1000, gid: 1000, createdAt: t0))
        let link = try store.addBackup(Backup(address: fileA, path: "/home/me/.vimrc", kind: .symlink, mode: 0o777,
                                              uid: UInt32.max - 1, gid: 0, linkTarget: "dotfiles/vimrc", createdAt: t1))
        let directory = try store.addBackup(Backup(address: packageB, path: "/etc/thing", kind: .directory,
                                                   mode: 0o755, uid: 0, gid: 0, createdAt: t0))
        let ids = [file.id, link.id, directory.id].compactMap { $0 }
        #expect(ids.count == 3)
        #expect(ids == ids.sorted() && Set(ids).count == 3)

        #expect(try store.backups(for: fileA) == [file, link])
        #expect(try store.backups(for: packageB) == [directory])
        #expect(try store.backups(for: Address(type: "file", key: "~/nothing")).isEmpty)
        #expect(link.uid == UInt32.max - 1)

        try store.removeBackup(id: file.id!)
        #expect(try store.backups(for: fileA) == [link])
        #expect(!FileManager.default.fileExists(atPath: blob), "the blob goes with its record")
        try store.removeBackup(id: 9_999)
    }

    @Test(arguments: StoreKind.allCases)
    func forgetRemovesTheResourceButKeepsItsBackups(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.saveManagedResource(sampleResource(fileA))
        try store.saveManagedResource(sampleResource(packageB))
        let blob = try fixture.writeBlob("a.blob", "mine")
        let outside = fixture.directory.path + "/outside.txt"
        try Data("not the store's".utf8).write(to: URL(fileURLWithPath: outside))
        let first = try store.addBackup(Backup(address: fileA, path: "/home/me/.gitconfig", kind: .file, blobPath: blob,
                                               mode: 0o644, uid: 1, gid: 1, createdAt: t0))
        let second = try store.addBackup(Backup(address: fileA, path: "/home/me/x", kind: .file,
                                       blobPath: fixture.store.backupDirectory + "/../../../outside.txt",
                                       mode: 0o644, uid: 1, gid: 1, createdAt: t0))
        let kept = try store.addBackup(Backup(address: packageB, path: "/etc/b", kind: .directory, mode: 0o755,
                                              uid: 0, gid: 0, createdAt: t0))

        try store.forget(fileA)
        #expect(try store.managedResource(fileA) == nil)
        #expect(try store.backups(for: fileA) == [first, second])
        #expect(FileManager.default.fileExists(atPath: blob))
        // Pruned one by one: the blob goes with its record, unless its path leads outside the backup directory.
        try store.removeBackup(id: first.id!)
        try store.removeBackup(id: second.id!)
        #expect(!FileManager.default.fileExists(atPath: blob))
        #expect(FileManager.default.fileExists(atPath: outside), "a blob path outside the backup directory is never deleted")
        #expect(try store.managedResource(packageB) != nil)
        #expect(try store.backups(for: packageB) == [kept])

        #expect {
            try store.forget(fileA)
        } throws: { error in
            guard case StateError.unknownResource(let name) = error else { return false }
            return name == "file:~/.gitconfig" && "\(error)" == "tend does not manage file:~/.gitconfig"
        }
    }

    @Test(arguments: StoreKind.allCases)
    func runsAreListedNewestFirstAndFinish(kind: StoreKind) throws {
        let store = try StoreFixture(kind).store
        let pid = getpid()
        let host = LocalProcess.hostname
        // Times are checked against the moments around the call (a millisecond either way for how they are
        // stored), never against a span a loaded machine could exceed.
        let beforeStart = Date()
        let first = try store.beginRun(kind: .apply, configPath: "/home/me/tend.yaml", configDigest: "sha256:1",
                                       pid: pid, hostname: host)
        let afterStart = Date()
        #expect(first.status == .running && first.endedAt == nil && first.kind == .apply)
        #expect(first.startedAt >= beforeStart.addingTimeInterval(-0.001) && first.startedAt <= afterStart.addingTimeInterval(0.001),
                "\(first.startedAt) is not between \(beforeStart) and \(afterStart)")
        let second = try store.beginRun(kind: .destroy, configPath: "/home/me/work.yaml", configDigest: "sha256:2",
                                        pid: pid, hostname: host)
        let third = try store.beginRun(kind: .apply, configPath: "/home/me/tend.yaml", configDigest: "sha256:3",
                                       pid: pid, hostname: host)
        #expect(first.id < second.id && second.id < third.id)

        let beforeFinish = Date()
        try store.finishRun(id: first.id, status: .succeeded)
        let afterFinish = Date()
        try store.finishRun(id: second.id, status: .failed)

        let all = try store.runs(limit: 0)
        #expect(all.map(\.id) == [third.id, second.id, first.id])
        #expect(all.map(\.status) == [.running, .failed, .succeeded])
        #expect(try store.runs(limit: 2).map(\.id) == [third.id, second.id])
        let ended = try #require(try store.run(id: first.id)?.endedAt, "a finished run has an end")
        #expect(ended >= beforeFinish.addingTimeInterval(-0.001) && ended <= afterFinish.addingTimeInterval(0.001),
                "\(ended) is not between \(beforeFinish) and \(afterFinish)")
        var finished = first
        finished.status = .succeeded
        finished.endedAt = ended
        expectSameRun(try store.run(id: first.id), finished)
        expectSameRun(try store.run(id: third.id), third)
        #expect(try store.run(id: 424_242) == nil)

        #expect(throws: StateError.self) { try store.finishRun(id: 424_242, status: .failed) }
    }

    @Test(arguments: StoreKind.allCases)
    func aRunWhoseProcessDiedIsInterrupted(kind: StoreKind) throws {
        let store = try StoreFixture(kind).store
        let host = LocalProcess.hostname
        let dead = try deadPID()
        let died = try store.beginRun(kind: .apply, configPath: "/c.yaml", configDigest: "sha256:d", pid: dead, hostname: host)
        let alive = try store.beginRun(kind: .apply, configPath: "/c.yaml", configDigest: "sha256:a", pid: getpid(), hostname: host)
        let elsewhere = try store.beginRun(kind: .apply, configPath: "/c.yaml", configDigest: "sha256:e", pid: dead,
                                           hostname: "another-host.invalid")
        let done = try store.beginRun(kind: .apply, configPath: "/c.yaml", configDigest: "sha256:f", pid: dead, hostname: host)
        try store.finishRun(id: done.id, status: .succeeded)

        #expect(try store.run(id: died.id)?.status == .interrupted)
        let statuses = Dictionary(uniqueKeysWithValues: try store.runs(limit: 10).map { ($0.id, $0.status) })
        #expect(statuses == [died.id: .interrupted, alive.id: .running, elsewhere.id: .running, done.id: .succeeded])
        #expect(try store.run(id: died.id)?.endedAt == nil, "when it died is not known")

        if let sqlite = store as? SQLiteStateStore {
            #expect(try sqlite.textForTesting("SELECT status FROM run WHERE id = \(died.id)") == "interrupted",
                    "the interruption is recorded, not only reported")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func transactionsOpenCompleteFailAndClose(kind: StoreKind) throws {
        let store = try StoreFixture(kind).store
        let run = try store.beginRun(kind: .apply, configPath: "/c.yaml", configDigest: "sha256:c", pid: getpid(),
                                     hostname: LocalProcess.hostname)
        #expect(try store.pendingTransactions().isEmpty)

        let change = #"{"address":"file:~/.gitconfig","operation":"create"}"#
        let create = try store.beginTransaction(runID: run.id, address: fileA, type: "file", operation: .create, change: change)
        let install = try store.beginTransaction(runID: run.id, address: packageB, type: "apt", operation: .modify, change: "{}")
        let third = try store.beginTransaction(runID: run.id, address: Address(type: "file", key: "~/c"), type: "file",
                                               operation: .destroy, change: "{}")
        #expect(create.status == .open && create.runID == run.id && create.change == change && create.error == nil)
        #expect(create.token.count == 12 && create.token.allSatisfy(\.isHexDigit))
        #expect(Set([create.token, install.token, third.token]).count == 3)
        let pending = try store.pendingTransactions()
        #expect(pending.map(\.token) == [create.token, install.token, third.token], "oldest first")
        #expect(pending.first == create)

        // Complete: report written, resource saved, transaction gone.
        let managed = sampleResource(fileA)
        let report = sampleReport(runID: run.id, address: fileA)
        try store.completeTransaction(token: create.token, report: report, managed: managed, removeManaged: false)
        #expect(try store.managedResource(fileA) == managed)
        #expect(try store.reports(runID: run.id) == [report])
        #expect(try store.pendingTransactions().map(\.token) == [install.token, third.token])

        // Fail: report written, transaction kept as failed with the error.
        let failure = sampleReport(runID: run.id, address: packageB, status: .failed, error: "apt-get exited with 100")
        try store.failTransaction(token: install.token, report: failure)
        let failed = try store.pendingTransactions().first { $0.token == install.token }
        #expect(failed?.status == .failed && failed?.error == "apt-get exited with 100")
        #expect(try store.reports(runID: run.id) == [report, failure])

        // Complete a destroy: the record goes.
        let destroy = try store.beginTransaction(runID: run.id, address: fileA, type: "file", operation: .destroy, change: "{}")
        try store.completeTransaction(token: destroy.token, report: sampleReport(runID: run.id, address: fileA),
                                      managed: nil, removeManaged: true)
        #expect(try store.managedResource(fileA) == nil)

        try store.closeTransaction(token: third.token)
        #expect(try store.pendingTransactions().map(\.token) == [install.token])

        for attempt in [
            { try store.closeTransaction(token: third.token) },
            { try store.failTransaction(token: "nosuchtoken0", report: failure) },
            { try store.completeTransaction(token: "nosuchtoken0", report: report, managed: nil, removeManaged: false) },
        ] as [() throws -> Void] {
            #expect { try attempt() } throws: { error in
                if case StateError.unknownTransaction = error { return true }
                return false
            }
        }
        #expect { try store.beginTransaction(runID: 9_999, address: fileA, type: "file", operation: .create, change: "{}") }
            throws: { error in
                if case StateError.unknownRun(9_999) = error { return true }
                return false
            }
        #expect(try store.reports(runID: 9_999).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func completeTransactionIsAllOrNothing(kind: StoreKind) throws {
        let store = try StoreFixture(kind).store
        let run = try store.beginRun(kind: .apply, configPath: "/c.yaml", configDigest: "sha256:c", pid: getpid(),
                                     hostname: LocalProcess.hostname)
        let before = sampleResource(fileA)
        try store.saveManagedResource(before)
        let open = try store.beginTransaction(runID: run.id, address: fileA, type: "file", operation: .modify, change: "{}")
        var after = before
        after.outputs = ["sha256": .string("sha256:new")]

        // A report for a run that does not exist fails the call after the transaction row was deleted and before
        // the resource was saved: nothing of it may stay.
        #expect(throws: StateError.self) {
            try store.completeTransaction(token: open.token, report: sampleReport(runID: 777, address: fileA),
                                          managed: after, removeManaged: false)
        }
        #expect(try store.pendingTransactions().map(\.token) == [open.token])
        #expect(try store.managedResource(fileA) == before)
        #expect(try store.reports(runID: 777).isEmpty)
        #expect(try store.reports(runID: run.id).isEmpty)

        try store.completeTransaction(token: open.token, report: sampleReport(runID: run.id, address: fileA),
                                      managed: after, removeManaged: false)
        #expect(try store.pendingTransactions().isEmpty)
        #expect(try store.managedResource(fileA) == after)
        #expect(try store.reports(runID: run.id).count == 1)
    }
}

@Suite struct SQLiteStateStoreTests {
    private func fileMode(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode & 0o7777)
    }

    @Test func theFileIsPrivateAndInWALMode() throws {
        let fixture = try StoreFixture(.sqlite)
        let store = try #require(fixture.store as? SQLiteStateStore)
        #expect(fileMode(fixture.statePath) == 0o600)
        #expect(fileMode(fixture.directory.path + "/state/tend") == 0o700)
        #expect(fileMode(fixture.directory.path + "/state") == 0o700)
        #expect(fileMode(store.backupDirectory) == 0o700)
        #expect(store.backupDirectory == fixture.directory.path + "/state/tend/backups")
        #expect(try store.textForTesting("PRAGMA journal_mode") == "wal")
        #expect(try store.textForTesting("PRAGMA foreign_keys") == "1")
        #expect(try store.textForTesting("PRAGMA busy_timeout") == "5000")
        try store.saveManagedResource(sampleResource(fileA))
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: fixture.statePath + suffix) {
            #expect(fileMode(fixture.statePath + suffix) == 0o600, "\(suffix)")
        }
    }

    @Test func aLooseModeIsTightenedOnOpen() throws {
        let directory = try TemporaryHome(prefix: "tend-state")
        let path = directory.path + "/state.db"
        _ = try SQLiteStateStore(path: path)
        chmod(path, 0o644)
        _ = try SQLiteStateStore(path: path)
        #expect(fileMode(path) == 0o600)
    }

    /// Issue 10: an empty state file was truncated (a state is never empty once opened), so starting it anew
    /// would silently forget everything tend manages.
    @Test func anEmptyFileIsRefusedAndLeftAsItIs() throws {
        let directory = try TemporaryHome(prefix: "tend-state")
        let path = try directory.write("state.db", "", mode: 0o600)
        #expect {
            _ = try SQLiteStateStore(path: path)
        } throws: { error in
            guard case StateError.corrupt(let where_, let reason) = error else { return false }
            return where_ == path && reason.contains("the file is empty (0 bytes)")
        }
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0)
    }

    @Test func aNewFileIsCreatedAtTheCurrentSchema() throws {
        let directory = try TemporaryHome(prefix: "tend-state")
        let store = try SQLiteStateStore(path: directory.path + "/state.db")
        #expect(try store.textForTesting("PRAGMA user_version") == String(SQLiteStateStore.schemaVersion))
        #expect(try store.textForTesting("SELECT group_concat(identifier) FROM grdb_migrations") == "v1,v2,v3")
        try store.checkIntegrity()
    }

    @Test func reopeningKeepsEverything() throws {
        let directory = try TemporaryHome(prefix: "tend-state")
        let path = directory.path + "/state.db"
        let runID: Int64
        do {
            let store = try SQLiteStateStore(path: path)
            try store.saveManagedResource(sampleResource(fileA))
            runID = try store.beginRun(kind: .apply, configPath: "/c", configDigest: "sha256:c", pid: getpid(),
                                       hostname: LocalProcess.hostname).id
        }
        let reopened = try SQLiteStateStore(path: path)
        #expect(try reopened.managedResource(fileA) == sampleResource(fileA))
        #expect(try reopened.run(id: runID)?.status == .running)
    }

    @Test func twoOpenStoresOnOneFileSeeEachOther() throws {
        let directory = try TemporaryHome(prefix: "tend-state")
        let path = directory.path + "/state.db"
        let writer = try SQLiteStateStore(path: path)
        let reader = try SQLiteStateStore(path: path)
        try writer.saveManagedResource(sampleResource(packageB))
        #expect(try reader.managedResources() == [sampleResource(packageB)])
    }

    @Test(arguments: ["PRAGMA user_version = 4", "INSERT INTO grdb_migrations (identifier) VALUES ('v4')"])
    func aStateFromANewerTendIsRefused(sql: String) throws {
        let directory = try TemporaryHome(prefix: "tend-state")
        let path = directory.path + "/state.db"
        do {
            let store = try SQLiteStateStore(path: path)
            try store.executeForTesting(sql)
        }
        #expect {
            _ = try SQLiteStateStore(path: path)
        } throws: { error in
            guard case StateError.newerSchema(let where_, let found, let supported) = error else { return false }
            return where_ == path && found == 4 && supported == SQLiteStateStore.schemaVersion
                && "\(error)".contains("written by a newer tend (schema 4; this tend reads up to 3); upgrade tend")
        }
    }

    @Test func aFileThatIsNotADatabaseIsReportedDamaged() throws {
        let directory = try TemporaryHome(prefix: "tend-state")
        let path = try directory.write("state.db", String(repeating: "this is not sqlite\n", count: 300), mode: 0o600)
        #expect {
            _ = try SQLiteStateStore(path: path)
        } throws: { error in
            if case StateError.corrupt(let where_, _) = error { return where_ == path }
            return false
        }
    }

    @Test func aDamagedColumnIsReportedNotTrapped() throws {
        let fixture = try StoreFixture(.sqlite)
        let store = try #require(fixture.store as? SQLiteStateStore)
        try store.saveManagedResource(sampleResource(fileA))
        try store.executeForTesting("UPDATE managed_resource SET parameters = '{\"a\": '")
        #expect {
            _ = try store.managedResources()
        } throws: { error in
            guard case StateError.corrupt(_, let reason) = error else { return false }
            return reason.contains("file:~/.gitconfig") && reason.contains("parameters is not valid JSON")
        }
        try store.executeForTesting("UPDATE managed_resource SET parameters = '{}', updated_at = 'yesterday'")
        #expect {
            _ = try store.managedResources()
        } throws: { error in
            guard case StateError.corrupt(_, let reason) = error else { return false }
            return reason.contains("read the managed resources")
        }
    }

    @Test func integrityHoldsAfterASequenceOfOperations() throws {
        let fixture = try StoreFixture(.sqlite)
        let store = try #require(fixture.store as? SQLiteStateStore)
        for round in 0..<20 {
            let run = try store.beginRun(kind: round % 3 == 0 ? .destroy : .apply, configPath: "/c.yaml",
                                         configDigest: "sha256:\(round)", pid: getpid(), hostname: LocalProcess.hostname)
            let address = Address(type: "file", key: "~/f\(round % 5)")
            let backup = try store.addBackup(Backup(address: address, path: "/f\(round)", kind: .symlink, mode: 0o777,
                                                    uid: 0, gid: 0, linkTarget: "t\(round)"))
            let open = try store.beginTransaction(runID: run.id, address: address, type: "file", operation: .modify,
                                                  change: "{}")
            if round % 4 == 3 {
                try store.failTransaction(token: open.token, report: sampleReport(runID: run.id, address: address,
                                                                                  status: .failed, error: "boom"))
                try store.closeTransaction(token: open.token)
                try store.finishRun(id: run.id, status: .failed)
            } else {
                try store.completeTransaction(token: open.token, report: sampleReport(runID: run.id, address: address),
                                              managed: round % 3 == 0 ? nil : sampleResource(address),
                                              removeManaged: round % 3 == 0)
                try store.finishRun(id: run.id, status: .succeeded)
            }
            if round % 2 == 0 { try store.removeBackup(id: backup.id!) }
            if round % 7 == 6, try store.managedResource(address) != nil { try store.forget(address) }
        }
        #expect(try store.runs(limit: 0).count == 20)
        #expect(try store.textForTesting("PRAGMA integrity_check") == "ok")
        #expect(try store.textForTesting("SELECT count(*) FROM pragma_foreign_key_check") == "0")
    }

    @Test func theDefaultPathFollowsTheEnvironment() {
        let home = "/home/me"
        #expect(SQLiteStateStore.defaultPath(environment: [:], home: home) == "/home/me/.local/state/tend/state.db")
        #expect(SQLiteStateStore.defaultPath(environment: ["XDG_STATE_HOME": "/x/state/"], home: home)
            == "/x/state/tend/state.db")
        #expect(SQLiteStateStore.defaultPath(environment: ["XDG_STATE_HOME": "relative"], home: home)
            == "/home/me/.local/state/tend/state.db")
        #expect(SQLiteStateStore.defaultPath(environment: ["XDG_STATE_HOME": "/x", "TEND_STATE": "/t/s.db"], home: home)
            == "/t/s.db")
        #expect(SQLiteStateStore.defaultPath(environment: ["TEND_STATE": ""], home: home + "/")
            == "/home/me/.local/state/tend/state.db")
    }
}
