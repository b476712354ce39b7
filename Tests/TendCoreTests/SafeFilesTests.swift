import Foundation
import Testing
import TendCore
import TendTestSupport

/// The file-system module on real files: what it follows, what it refuses, and the order it sets owner and mode
/// in. Another user is played by `nobody` (uid 65534), which root can give files to without making an account.
@Suite struct SafeFilesTests {
    static let nobody: UInt32 = 65534

    let home: TemporaryHome
    init() throws {
        home = try TemporaryHome(prefix: "tend-safe-files")
    }

    func path(_ relative: String) -> String { home.path + "/" + relative }

    func status(_ relative: String) -> FileStatus? { FileSystem().status(path(relative)) }

    func text(_ relative: String) -> String? { FileSystem().readText(path(relative)) }

    func temporaries(in relative: String = "") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: relative.isEmpty ? home.path : path(relative))) ?? []
        return names.filter { $0.contains(".tend-") }
    }

    @Test func aSymlinkAtTheNameIsReplacedNotWrittenThrough() throws {
        try home.write("victim", "keep me\n")
        #expect(symlink(path("victim"), path("config")) == 0)
        try AtomicFile.write(Array("new\n".utf8), to: path("config"), mode: 0o640)
        #expect(status("config")?.kind == .file)
        #expect(status("config")?.mode == 0o640)
        #expect(text("config") == "new\n")
        #expect(text("victim") == "keep me\n")
        #expect(temporaries().isEmpty, "\(temporaries())")
    }

    @Test func linksOfRootOrTheActingUserAreFollowedRelativeOrAbsolute() throws {
        try home.write("real/inner/keep", "")
        #expect(symlink("real", path("relative")) == 0)
        #expect(symlink(path("real/inner"), path("absolute")) == 0)
        try AtomicFile.write(Array("a\n".utf8), to: path("relative/inner/a"))
        try AtomicFile.write(Array("b\n".utf8), to: path("absolute/b"))
        #expect(text("real/inner/a") == "a\n")
        #expect(text("real/inner/b") == "b\n")
        // A chain of links: each is ours, so each is followed.
        #expect(symlink("absolute", path("chain")) == 0)
        let handle = try DirectoryHandle.open(path("chain"))
        #expect(handle.read("b") == Array("b\n".utf8))
    }

    @Test func linksWithDotDotAndLoopsAreWalkedAsTheKernelWould() throws {
        try home.write("a/b/file", "x\n")
        try FileManager.default.createDirectory(atPath: path("c"), withIntermediateDirectories: false)
        #expect(symlink("../a/b", path("c/up")) == 0)
        #expect(try DirectoryHandle.open(path("c/up")).read("file") == Array("x\n".utf8))
        #expect(symlink("loop2", path("loop1")) == 0)
        #expect(symlink("loop1", path("loop2")) == 0)
        #expect(throws: FileAccessError.tooManyLinks(path: path("loop1"))) {
            try AtomicFile.write([], to: path("loop1/x"))
        }
    }

    @Test func aLinkOnTheWayOwnedByAnotherUserIsRefusedAndNamesLinkAndTarget() throws {
        try #require(geteuid() == 0, "giving a link to another user needs root; CI runs the tests as root")
        try FileManager.default.createDirectory(atPath: path("elsewhere"), withIntermediateDirectories: false)
        #expect(symlink(path("elsewhere"), path("ssh")) == 0)
        #expect(lchown(path("ssh"), Self.nobody, Self.nobody) == 0)
        let error = #expect(throws: FileAccessError.self) {
            try AtomicFile.write(Array("key\n".utf8), to: path("ssh/authorized_keys"), owner: FileOwner(uid: Self.nobody, gid: nil))
        }
        let message = error?.description ?? ""
        #expect(message.contains(path("ssh") + " is a symlink to " + path("elsewhere")), "\(message)")
        #expect(message.contains("owned by nobody"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: path("elsewhere/authorized_keys")))
        // Making missing directories stops at the same link.
        #expect(throws: FileAccessError.self) { try DirectoryHandle.open(path("ssh/sub"), creatingMode: 0o700) }
        #expect(!FileManager.default.fileExists(atPath: path("elsewhere/sub")))
    }

    @Test func aLinkInADirectoryOthersCanWriteIsRefusedUnlessTheDirectoryIsSticky() throws {
        try FileManager.default.createDirectory(atPath: path("shared/target"), withIntermediateDirectories: true)
        #expect(chmod(path("shared"), 0o777) == 0)
        #expect(symlink("target", path("shared/link")) == 0)
        let error = #expect(throws: FileAccessError.self) { try DirectoryHandle.open(path("shared/link")) }
        #expect(error?.description.contains(path("shared") + " can be changed by a user other than root") == true,
                "\(String(describing: error))")
        // Sticky, like /tmp: others cannot rename or delete our link, so it is followed.
        #expect(chmod(path("shared"), 0o1777) == 0)
        let handle = try DirectoryHandle.open(path("shared/link"))
        #expect(handle.path == path("shared/link"))
    }

    @Test func ownerGoesOnBeforeModeSoSetuidSurvives() throws {
        try #require(geteuid() == 0, "giving files away needs root; CI runs the tests as root")
        let (directory, _) = try DirectoryHandle.openParent(of: path("x"))
        try directory.write(Array("#!/bin/sh\n".utf8), to: "tool", mode: 0o4755, owner: FileOwner(uid: Self.nobody, gid: Self.nobody))
        #expect(status("tool")?.uid == Self.nobody)
        #expect(status("tool")?.mode == 0o4755)
        // In place, on a file that exists: the same order.
        try home.write("other", "x\n", mode: 0o644)
        try directory.setAttributes(of: "other", mode: 0o6755, owner: FileOwner(uid: Self.nobody, gid: Self.nobody))
        #expect(status("other")?.uid == Self.nobody)
        #expect(status("other")?.mode == 0o6755)
    }

    @Test func attributesAreNeverSetThroughASymlink() throws {
        try home.write("target", "x\n", mode: 0o600)
        #expect(symlink(path("target"), path("link")) == 0)
        let (directory, _) = try DirectoryHandle.openParent(of: path("link"))
        let error = #expect(throws: FileAccessError.self) {
            try directory.setAttributes(of: "link", mode: 0o777, owner: nil)
        }
        #expect(error == .unexpectedKind(path: path("link"), kind: .symlink))
        #expect(status("target")?.mode == 0o600)
    }

    @Test func missingDirectoriesGetTheModeAskedForAndTheOwnerOfTheirParent() throws {
        try #require(geteuid() == 0, "giving directories away needs root; CI runs the tests as root")
        try FileManager.default.createDirectory(atPath: path("users"), withIntermediateDirectories: false)
        #expect(chown(path("users"), Self.nobody, Self.nobody) == 0)
        let handle = try DirectoryHandle.open(path("users/a/b"), creatingMode: 0o750)
        #expect(handle.status()?.mode == 0o750)
        #expect(status("users/a")?.uid == Self.nobody)
        #expect(status("users/a/b")?.uid == Self.nobody)
        #expect(status("users/a")?.mode == 0o750)
        // A file in the way is named.
        try home.write("plain", "")
        #expect(throws: FileAccessError.notADirectory(path: path("plain"), kind: .file)) {
            try DirectoryHandle.open(path("plain/sub"), creatingMode: 0o755)
        }
    }

    @Test func writeExclusivelyNeverReplacesAnything() throws {
        try home.write("key", "the user's key\n")
        let (directory, _) = try DirectoryHandle.openParent(of: path("key"))
        let error = #expect(throws: FileAccessError.self) {
            try directory.writeExclusively(Array("new\n".utf8), to: "key", mode: 0o600)
        }
        #expect(error?.code == EEXIST)
        #expect(text("key") == "the user's key\n")
        try directory.writeExclusively(Array("new\n".utf8), to: "fresh", mode: 0o600)
        #expect(text("fresh") == "new\n")
        #expect(temporaries().isEmpty, "\(temporaries())")
    }

    @Test func aPrivateDirectoryIsOnlyTheActingUsersAndGoesAway() throws {
        let directory = try PrivateDirectory.make(purpose: "test", environment: [:])
        let status = try #require(directory.handle.status())
        #expect(status.uid == geteuid())
        #expect(status.mode == 0o700)
        try directory.handle.write(Array("x".utf8), to: "helper", mode: 0o700)
        let path = directory.path
        directory.remove()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    // MARK: Restoring backups (issue 9, case 10)

    func keeper() throws -> (StateBackupKeeper, Address) {
        let store = InMemoryStateStore(backupDirectory: path("state/backups"))
        return (StateBackupKeeper(store: store), Address(type: "file", key: path("config")))
    }

    /// The newest original kept for `address`: what a release would put back.
    func original(_ keeper: StateBackupKeeper, _ address: Address) throws -> Backup {
        try #require(try keeper.originals(address).last, "no original was kept for \(address)")
    }

    /// Records, the way an apply does (through the journal), that what is at the address's path now is tend's
    /// own work: rule 1 then lets a restore put the original back over it.
    func recordTendsWrite(_ store: any StateStore, _ address: Address) throws {
        let run = try store.beginRun(kind: .apply, configPath: path("tend.yaml"), configDigest: "sha256:test",
                                     pid: getpid(), hostname: "test")
        let journal = StateJournal(store: store, runID: run.id, configPath: path("tend.yaml"), registry: TypeRegistry([]))
        let resource = ResourceSpec(address: address, type: "file", parameters: ["path": .string(address.key)],
                                    location: SourceLocation(file: path("tend.yaml"), mark: .start))
        let change = ResourceChange(address: address, type: "file", operation: .modify, parameters: [],
                                    message: "Write \(address.key)", reason: "content differs", dependsOn: [],
                                    fingerprint: "sha256:test")
        let request = ChangeRequest(change: change, resource: resource, observation: .present([:]))
        let token = try journal.begin(request)
        try journal.succeeded(token: token, request: request, result: ChangeResult(written: PathFootprint.of(address.key)),
                              report: OperationReport(runID: run.id, address: address, operation: .modify,
                                                      status: .succeeded, attempts: 1, duration: 0))
    }

    @Test func aPutBackPutsTheOriginalOverALinkWithoutFollowingIt() throws {
        try home.write("config", "the user's original\n", mode: 0o640)
        let (keeper, address) = try keeper()
        try keeper.keep(path: path("config"), for: address)
        try home.write("victim", "not yours\n", mode: 0o600)
        #expect(unlink(path("config")) == 0)
        #expect(symlink(path("victim"), path("config")) == 0)
        try keeper.putBack(try original(keeper, address))
        #expect(status("config")?.kind == .file)
        #expect(status("config")?.mode == 0o640)
        #expect(text("config") == "the user's original\n")
        #expect(text("victim") == "not yours\n")
        #expect(status("victim")?.mode == 0o600)
        #expect(temporaries().isEmpty, "\(temporaries())")
    }

    /// Rule 1 on a real SQLite state: `restore(address)` puts the original back over tend's own unchanged work
    /// only; a user's edit, or a link a user put at the path, stays as it is and the original stays kept.
    @Test func aRestorePutsTheOriginalBackOverTendsOwnWorkOnly() throws {
        let store = try SQLiteStateStore(path: path("state/state.db"))
        let keeper = StateBackupKeeper(store: store)
        let address = Address(type: "file", key: path("config"))
        try home.write("config", "the user's original\n", mode: 0o640)
        try keeper.keep(path: path("config"), for: address)
        try AtomicFile.write(Array("tend's\n".utf8), to: path("config"), mode: 0o644)
        try recordTendsWrite(store, address)

        try home.write("config", "tend's\nthe user's edit\n")
        #expect(try keeper.restore(address) == false)
        #expect(text("config") == "tend's\nthe user's edit\n")
        #expect(try keeper.originals(address).count == 1, "the original stays kept")

        try home.write("victim", "not yours\n", mode: 0o600)
        #expect(unlink(path("config")) == 0)
        #expect(symlink(path("victim"), path("config")) == 0)
        #expect(try keeper.restore(address) == false)
        #expect(status("config")?.kind == .symlink)
        #expect(text("victim") == "not yours\n")

        #expect(unlink(path("config")) == 0)
        try AtomicFile.write(Array("tend's\n".utf8), to: path("config"), mode: 0o644)
        #expect(try keeper.restore(address) == true)
        #expect(text("config") == "the user's original\n")
        #expect(status("config")?.mode == 0o640)
        #expect(try keeper.originals(address).isEmpty, "a backup put back is forgotten")
        #expect(temporaries().isEmpty, "\(temporaries())")
    }

    /// A reader looking at the path while originals are put back over and over never finds it missing: the
    /// put-back renames over what is there instead of deleting it first.
    @Test func thePathIsNeverMissingWhileOriginalsArePutBack() throws {
        try home.write("config", "the user's original\n")
        let (keeper, address) = try keeper()
        let watched = path("config")
        let watch = Watch()
        let group = DispatchGroup()
        let looking = DispatchSemaphore(value: 0)
        DispatchQueue.global().async(group: group) {
            var info = stat()
            var first = true
            while !watch.stopped {
                watch.look(missing: lstat(watched, &info) != 0)
                if first { first = false; looking.signal() }
            }
        }
        // The rounds start once the reader is looking, however late a loaded machine schedules it.
        looking.wait()
        try keeper.keep(path: watched, for: address)
        let kept = try original(keeper, address)
        for round in 0..<100 {
            try AtomicFile.write(Array("tend's \(round)\n".utf8), to: watched)
            try keeper.putBack(kept)
        }
        watch.stop()
        group.wait()
        #expect(watch.looks > 0)
        #expect(watch.misses == 0, "the path was missing \(watch.misses) of \(watch.looks) times")
        #expect(text("config") == "the user's original\n")
    }

    /// What the reader of `thePathIsNeverMissingWhileOriginalsArePutBack` saw, shared across threads.
    final class Watch: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        private(set) var looks = 0
        private(set) var misses = 0

        var stopped: Bool { lock.withLock { done } }
        func stop() { lock.withLock { done = true } }
        func look(missing: Bool) {
            lock.withLock {
                looks += 1
                if missing { misses += 1 }
            }
        }
    }

    /// A put-back that fails before its rename (the disk is full) leaves what was at the path, whole: the old
    /// code unlinked first, and a crash or a full disk then lost both.
    @Test func aRestoreThatCannotWriteLeavesWhatIsThere() async throws {
        try #require(geteuid() == 0, "mounting a small tmpfs needs root; CI runs the tests as root")
        let mountPoint = path("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let mount = try await SystemProcessRunner().run(Command(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]))
        try #require(mount.succeeded, "cannot mount a tmpfs here: \(mount.errorOutput)")
        defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
        let original = String(repeating: "o", count: 40 * 1024)
        try home.write("small/config", original)
        let store = InMemoryStateStore(backupDirectory: path("state/backups"))
        let keeper = StateBackupKeeper(store: store)
        let address = Address(type: "file", key: path("small/config"))
        try keeper.keep(path: path("small/config"), for: address)
        try home.write("small/config", "tend's\n")
        // What is left of the 64 KiB is less than the original needs.
        try home.write("small/filler", String(repeating: "f", count: 40 * 1024))
        let kept = try self.original(keeper, address)
        let error = #expect(throws: BackupError.self) { try keeper.putBack(kept) }
        #expect(error?.description.contains("No space left on device") == true, "\(String(describing: error))")
        #expect(text("small/config") == "tend's\n")
        #expect(temporaries(in: "small").isEmpty, "\(temporaries(in: "small"))")
        // With room again, the same backup goes back.
        #expect(unlink(path("small/filler")) == 0)
        try keeper.putBack(kept)
        #expect(text("small/config") == original)
    }
}
