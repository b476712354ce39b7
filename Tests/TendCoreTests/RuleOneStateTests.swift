import Foundation
import Testing
@testable import TendCore
import TendTestSupport

/// Rule 1 in the state: what tend last wrote, backups with run, size and reason, and the keeper's decisions
/// over real files in a temporary directory.
@Suite struct RuleOneStateTests {
    private let file = Address(type: "file", key: "~/app.conf")

    @Test(arguments: StoreKind.allCases)
    func ruleOneFieldsRoundTrip(kind: StoreKind) throws {
        let store = try StoreFixture(kind).store
        let record = ManagedResource(address: file, type: "file", parameters: [:], createdByTend: false,
                                     configPaths: ["/w/tend.yaml"], updatedAt: Date(timeIntervalSince1970: 5),
                                     written: "file sha256:ab", writtenRun: 12, keep: true,
                                     dependsOn: [Address(type: "directory", key: "~/x:y")])
        try store.saveManagedResource(record)
        #expect(try store.managedResource(file) == record)

        let value = try store.addBackup(Backup(address: file, path: "git config user.name", kind: .value,
                                               digest: "sha256:cd", mode: 0o600, uid: 1, gid: 2,
                                               createdAt: Date(timeIntervalSince1970: 7), runID: 3, size: 9,
                                               reason: .editedOutsideTend))
        #expect(try store.backup(id: value.id!) == value)
        #expect(try store.allBackups() == [value])
        #expect(try store.backup(id: 9_999) == nil)
    }

    @Test func tendsOwnBytesGoWithoutACopyAndEverythingElseIsKept() throws {
        let home = try TemporaryHome(prefix: "tend-keeper")
        let store = InMemoryStateStore(backupDirectory: home.path + "/backups")
        let keeper = StateBackupKeeper(store: store, runID: 4)
        let path = try home.write("app.conf", "original=1\n")

        // Found there: the original.
        try keeper.keep(path: path, for: file)
        try home.write("app.conf", "tend=1\n")
        try store.saveManagedResource(ManagedResource(address: file, type: "file", parameters: [:], createdByTend: false,
                                                      configPaths: [], written: keeper.stored(PathFootprint.of(path)), writtenRun: 4))
        // Tend's own bytes: nothing more to keep.
        try keeper.keep(path: path, for: file)
        #expect(try store.allBackups().map(\.reason) == [.original])

        // The user's edit: kept once, whatever the number of calls.
        try home.write("app.conf", "tend=1\nmine\n")
        try keeper.keep(path: path, for: file)
        try keeper.keep(path: path, for: file)
        let kept = try store.allBackups()
        #expect(kept.map(\.reason) == [.original, .editedOutsideTend])
        #expect(kept.map(\.runID) == [4, 4])
        #expect(kept.map(\.size) == [11, 12])
        #expect(try keeper.contents(of: kept[1]) == Array("tend=1\nmine\n".utf8))
    }

    @Test func anOriginalGoesBackOnlyOverTendsOwnWork() throws {
        let home = try TemporaryHome(prefix: "tend-keeper")
        let store = InMemoryStateStore(backupDirectory: home.path + "/backups")
        let keeper = StateBackupKeeper(store: store)
        let path = try home.write("app.conf", "original=1\n")
        try keeper.keep(path: path, for: file)
        try home.write("app.conf", "tend=1\n")
        try store.saveManagedResource(ManagedResource(address: file, type: "file", parameters: [:], createdByTend: false,
                                                      configPaths: [], written: keeper.stored(PathFootprint.of(path))))

        try home.write("app.conf", "tend=1\nmine\n")
        #expect(try keeper.restore(file) == false)
        #expect(FileSystem().readText(path) == "tend=1\nmine\n")
        #expect(try keeper.originals(file).count == 1, "the original stays kept")

        try home.write("app.conf", "tend=1\n")
        #expect(try keeper.restore(file) == true)
        #expect(FileSystem().readText(path) == "original=1\n")
        #expect(try keeper.originals(file).isEmpty)
    }

    @Test func pruneRemovesOldBackupsButNotOriginalsStillNeeded() throws {
        let home = try TemporaryHome(prefix: "tend-keeper")
        let store = InMemoryStateStore(backupDirectory: home.path + "/backups")
        let old = Date(timeIntervalSince1970: 1_000)
        let managed = Address(type: "file", key: "~/managed")
        let gone = Address(type: "file", key: "~/gone")
        try store.saveManagedResource(ManagedResource(address: managed, type: "file", parameters: [:],
                                                      createdByTend: false, configPaths: []))
        let needed = try store.addBackup(Backup(address: managed, path: "/m", kind: .directory, mode: 0o700, uid: 0,
                                                gid: 0, createdAt: old, reason: .original))
        _ = try store.addBackup(Backup(address: managed, path: "/m", kind: .directory, mode: 0o705, uid: 0, gid: 0,
                                       createdAt: old, reason: .editedOutsideTend))
        _ = try store.addBackup(Backup(address: gone, path: "/g", kind: .directory, mode: 0o700, uid: 0, gid: 0,
                                       createdAt: old, reason: .original))
        let recent = try store.addBackup(Backup(address: gone, path: "/g", kind: .directory, mode: 0o700, uid: 0,
                                                gid: 0, createdAt: Date(timeIntervalSince1970: 10_000_000)))

        let removed = try BackupCatalog(store: store).prune(olderThan: 30 * 86_400,
                                                            now: Date(timeIntervalSince1970: 10_000_000))
        #expect(removed.count == 2)
        #expect(try store.allBackups() == [needed, recent])
    }

    @Test func destroysGoInsideOutAndAfterWhatDependsOnThem() {
        func destroy(_ type: String, _ key: String, dependsOn: [Address] = []) -> ResourceChange {
            ResourceChange(address: Address(type: type, key: key), type: type, operation: .destroy, parameters: [],
                           message: "", reason: "", dependsOn: dependsOn, fingerprint: "")
        }
        let ordered = Planner.destroyOrder([
            destroy("directory", "~/code"), destroy("apt", "git"),
            destroy("git-clone", "~/code/seed", dependsOn: [Address(type: "apt", key: "git")]),
            destroy("file", "~/code/x"), destroy("directory", "~/codex"),
        ])
        let names = ordered.map(\.address.description)
        #expect(names == ["git-clone:~/code/seed", "apt:git", "file:~/code/x", "directory:~/code", "directory:~/codex"])
        #expect(ordered.first { $0.address.key == "~/code/x" }?.dependsOn == [Address(type: "directory", key: "~/code")])
    }

    @Test func thePlanSaysWhatRuleOneWillDo() {
        let planner = Planner(registry: TypeRegistry([]), home: "/home/me")
        func change(_ operation: ResourceOperation, _ message: String) -> ResourceChange {
            ResourceChange(address: file, type: "file", operation: operation, parameters: [], message: message,
                           reason: "r", dependsOn: [], fingerprint: "")
        }
        func words(_ operation: ResourceOperation, _ message: String, _ write: LastWrite) -> String {
            let plan = Plan(configPath: "/w", configDigest: "", changes: [change(operation, message)], unchanged: [])
            return planner.explainingRuleOne(plan, lastWrites: [file: write], resources: [:]).changes[0].message
        }
        let own = LastWrite(written: "a", run: 12, current: "a", keptOriginal: true)
        let edited = LastWrite(written: "a", run: 12, current: "b", keptOriginal: true)
        let created = LastWrite(written: "a", run: 3, current: "b", keptOriginal: false)
        #expect(words(.release, "x", own) == "Stop managing file ~/app.conf (put back the original)")
        #expect(words(.release, "x", edited)
                == "Stop managing file ~/app.conf (left as it is: edited outside tend since run 12; the original is kept in backups)")
        #expect(words(.destroy, "Remove ~/app.conf", created)
                == "Remove ~/app.conf (edited outside tend since run 3: kept in backups first)")
        #expect(words(.destroy, "Remove ~/app.conf", own) == "Remove ~/app.conf (the original stays in backups)")
        #expect(words(.modify, "Update ~/app.conf", own) == "Update ~/app.conf")
    }
}

/// Schema 2 over a state schema 1 wrote: nothing recorded is lost, ssh keys become kept.
@Suite struct SchemaTwoMigrationTests {
    @Test func aVersionOneStateKeepsItsRecordsAndBackups() throws {
        let directory = try TemporaryHome(prefix: "tend-state")
        let path = directory.path + "/state.db"
        try SQLiteStateStore.makeOlderStateForTesting(path: path, upTo: "v1", sql: """
            INSERT INTO managed_resource VALUES ('ssh-key', '~/.ssh/id', 'ssh-key', '{}', '{}', 1, '["/w/tend.yaml"]', 5);
            INSERT INTO managed_resource VALUES ('file', '~/a', 'file', '{}', '{}', 0, '["/w/tend.yaml"]', 5);
            INSERT INTO backup (address_type, address_key, path, kind, blob_path, digest, mode, uid, gid, link_target,
                                created_at)
                VALUES ('file', '~/a', '/home/me/a', 'symlink', NULL, NULL, 511, 1, 1, 'target', 7);
            """)
        let store = try SQLiteStateStore(path: path)
        #expect(try store.textForTesting("PRAGMA user_version") == String(SQLiteStateStore.schemaVersion))
        let key = try #require(try store.managedResource(Address(type: "ssh-key", key: "~/.ssh/id")))
        #expect(key.keep && key.createdByTend && key.written == nil && key.dependsOn.isEmpty)
        #expect(try store.managedResource(Address(type: "file", key: "~/a"))?.keep == false)
        let backup = try #require(try store.allBackups().first)
        #expect(backup.linkTarget == "target" && backup.reason == .original && backup.size == 6 && backup.runID == nil)
        #expect(try store.textForTesting("PRAGMA integrity_check") == "ok")
    }
}
