import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// Runs the real engine in a temporary HOME: loads a config, plans it, applies it with the executor, a journal
/// and a backup keeper over a real SQLite state, and plans again. Resources dropped from the config between two
/// applies are handed to the planner as orphans, from the state, as `tend apply` does.
final class LocalApplyHarness: @unchecked Sendable {
    let home: TemporaryHome
    let host: Machine
    let store: SQLiteStateStore
    let statePath: String
    /// Every resource applied so far by address, so that one dropped from the config can still be released or
    /// destroyed from its last spec.
    private var specs: [Address: ResourceSpec] = [:]
    let lines = LockedLines()
    /// `uncheckedCatalog` for tests of apply's own guards behind validate.
    var catalog = BuiltinSchemas.catalog

    init(environment: [String: String] = [:], prefix: String = "tend-apply") throws {
        home = try TemporaryHome(prefix: prefix)
        host = home.host(environment: environment)
        statePath = home.path + "/.local/state/tend"
        try FileManager.default.createDirectory(atPath: statePath, withIntermediateDirectories: true)
        store = try SQLiteStateStore(path: statePath + "/state.db")
    }

    var path: String { home.path }

    func address(_ text: String) -> Address { Address(parsing: text, home: home.path)! }

    func config(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
        let loader = ConfigLoader(catalog: catalog, host: host.facts, workingDirectory: home.path)
        let result = loader.load(text: "tend: 1\nresources:\n" + text + "\n", path: home.path + "/tend.yaml")
        let diagnostics = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        return try #require(result.config, "config has errors:\n\(diagnostics)", sourceLocation: sourceLocation)
    }

    /// What the state manages that `config` does not declare.
    func orphans(of config: Config) throws -> [OrphanResource] {
        // The hooks the profile types imply count as declared, as they do for `tend apply`.
        let implied = Engine(registry: BuiltinTypes.registry, host: host).addingImpliedResources(to: config)
        let declared = Set(implied.resources.map(\.address))
        return try store.managedResources().filter { !declared.contains($0.address) }
            .map { OrphanResource(address: $0.address, type: $0.type, createdByTend: $0.createdByTend) }
    }

    func plan(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> PlanResult {
        let config = try config(text, sourceLocation: sourceLocation)
        return try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config, orphans: try orphans(of: config))
    }

    /// Plans `text`, applies the plan, and returns the summary with the plan it ran.
    @discardableResult
    func apply(_ text: String, backups: Bool = true, jobs: Int = 4,
               sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> (summary: ApplySummary, plan: Plan) {
        let result = try await plan(text, sourceLocation: sourceLocation)
        for resource in result.resources { specs[resource.address] = resource }
        let run = try store.beginRun(kind: .apply, configPath: home.path + "/tend.yaml", configDigest: "", pid: getpid(),
                                     hostname: "testhost")
        let journal = StateJournal(store: store, runID: run.id, configPath: home.path + "/tend.yaml",
                                   registry: BuiltinTypes.registry)
        let executor = Executor(registry: BuiltinTypes.registry, host: host, jobs: jobs, journal: journal,
                                backups: backups ? StateBackupKeeper(store: store) : nil, progress: LineProgress(lines: lines),
                                retryOverride: RetryPolicy(attempts: 1, backoff: 0))
        let orphanSpecs = result.plan.changes.compactMap { specs[$0.address] }
        var resources = result.resources
        for spec in orphanSpecs where !resources.contains(where: { $0.address == spec.address }) { resources.append(spec) }
        let summary = await executor.apply(plan: result.plan, resources: resources, observations: result.observations)
        try store.finishRun(id: run.id, status: summary.succeeded ? .succeeded : .failed)
        return (summary, result.plan)
    }

    /// Applies `text` and expects every change to succeed and a second plan to be empty.
    @discardableResult
    func converge(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> Plan {
        let (summary, plan) = try await apply(text, sourceLocation: sourceLocation)
        #expect(summary.succeeded, "\(failures(summary))", sourceLocation: sourceLocation)
        let again = try await self.plan(text, sourceLocation: sourceLocation)
        #expect(again.plan.changes.isEmpty, "not converged: \(again.plan.changes.map { "\($0.address) \($0.reason)" })",
                sourceLocation: sourceLocation)
        return plan
    }

    func failures(_ summary: ApplySummary) -> [String] {
        summary.order.compactMap { address in
            switch summary.outcomes[address] {
            case .failed(let message, _, _): return "\(address): \(message)"
            case .skipped(let reason): return "\(address): skipped: \(reason)"
            default: return nil
            }
        }
    }

    func failure(_ summary: ApplySummary, _ address: String) -> String? {
        if case .failed(let message, _, _) = summary.outcomes[self.address(address)] { return message }
        return nil
    }

    func bytes(_ relativePath: String) -> [UInt8]? { FileSystem().read(path + "/" + relativePath) }

    func status(_ relativePath: String) -> FileStatus? { FileSystem().status(path + "/" + relativePath) }

    func writeBytes(_ relativePath: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        let full = path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: PathNormalizer.directory(of: full), withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        chmod(full, mode_t(mode))
    }

    /// Names in `relativeDirectory` that look like one of tend's temporary files.
    func temporaryFiles(in relativeDirectory: String = "") -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path + "/" + relativeDirectory)) ?? []
        return entries.filter { $0.contains(".tend-") }
    }
}

/// Lines the executor logged, kept for assertions.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var all: [String] { lock.withLock { stored } }
}

struct LineProgress: ApplyProgress {
    let lines: LockedLines
    func started(_ change: ResourceChange) {}
    func finished(_ change: ResourceChange, outcome: ChangeOutcome) {}
    func log(_ address: Address?, _ line: String) { lines.append(line) }
}

/// The file, directory and symlink types applied for real in a temporary HOME.
@Suite struct FileApplyTests {
    /// Bytes that are not UTF-8, with a NUL and no final newline: what a user's file may hold.
    static let userBytes: [UInt8] = [0x23, 0x20, 0x6D, 0x69, 0x6E, 0x65, 0x0A, 0xFF, 0xFE, 0x00, 0x01, 0x0D, 0x0A, 0x7A]

    // MARK: file

    @Test func createsFilesFromContentAndSourceWithModesAndParents() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes("dotfiles/tmux.conf", Self.userBytes)
        try await h.converge("""
              - type: file
                path: ~/.gitignore_global
                content: ".DS_Store\\n*.swp\\n"
              - type: file
                path: ~/deep/er/secret.env
                content: "TOKEN=x\\n"
                mode: "0600"
              - type: file
                path: ~/.tmux.conf
                source: ./dotfiles/tmux.conf
                mode: "0664"
            """)
        #expect(h.bytes(".gitignore_global") == Array(".DS_Store\n*.swp\n".utf8))
        #expect(h.status(".gitignore_global")?.mode == 0o644, "the default mode")
        #expect(h.bytes("deep/er/secret.env") == Array("TOKEN=x\n".utf8))
        #expect(h.status("deep/er/secret.env")?.mode == 0o600)
        #expect(h.status("deep")?.mode == 0o755 && h.status("deep/er")?.mode == 0o755, "parents are 0755")
        #expect(h.bytes(".tmux.conf") == Self.userBytes)
        #expect(h.status(".tmux.conf")?.mode == 0o664, "the umask does not narrow the mode")

        let managed = try #require(try h.store.managedResource(h.address("file:~/.tmux.conf")))
        #expect(managed.outputs["sha256"] == .string(SHA256.digest(Self.userBytes)))
        #expect(managed.createdByTend)
        #expect(try h.store.backups(for: h.address("file:~/.tmux.conf")).isEmpty, "nothing was there to back up")
        #expect(h.temporaryFiles().isEmpty && h.temporaryFiles(in: "deep/er").isEmpty)
    }

    @Test func aModeChangeKeepsTheFileAndAChangedSourceRewritesIt() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes("src/a", Array("one\n".utf8))
        try await h.converge("""
              - type: file
                path: ~/f
                source: ./src/a
            """)
        let inode = try #require(try FileManager.default.attributesOfItem(atPath: h.path + "/f")[.systemFileNumber] as? Int)
        try await h.converge("""
              - type: file
                path: ~/f
                source: ./src/a
                mode: "0751"
            """)
        #expect(h.status("f")?.mode == 0o751)
        #expect(try FileManager.default.attributesOfItem(atPath: h.path + "/f")[.systemFileNumber] as? Int == inode,
                "same bytes: changed in place")
        try h.writeBytes("src/a", Array("two\n".utf8))
        try await h.converge("""
              - type: file
                path: ~/f
                source: ./src/a
                mode: "0751"
            """)
        #expect(h.bytes("f") == Array("two\n".utf8))
        #expect(h.status("f")?.mode == 0o751, "the mode is kept")
    }

    @Test func aUsersFileIsBackedUpBeforeItIsOverwrittenAndPutBackWhenTheResourceLeaves() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes(".gitconfig", Self.userBytes, mode: 0o640)
        let config = """
              - type: file
                path: ~/.gitconfig
                content: "[user]\\n\\tname = Me\\n"
            """
        let plan = try await h.converge(config)
        #expect(plan.changes.map(\.operation) == [.modify])
        #expect(h.bytes(".gitconfig") == Array("[user]\n\tname = Me\n".utf8))
        #expect(h.status(".gitconfig")?.mode == 0o640, "no mode in the config: the file keeps its own")
        let address = h.address("file:~/.gitconfig")
        let backups = try h.store.backups(for: address)
        #expect(backups.count == 1 && backups.first?.digest == SHA256.digest(Self.userBytes))
        #expect(try h.store.managedResource(address)?.createdByTend == false)

        // A second change keeps the first original, not tend's own version.
        try await h.converge(config.replacingOccurrences(of: "Me", with: "Someone"))
        #expect(try h.store.backups(for: address).count == 1)

        // Dropped from the config: tend did not create it, so it is released, and the original comes back.
        let (summary, released) = try await h.apply("  []")
        #expect(summary.succeeded, "\(h.failures(summary))")
        #expect(released.changes.map(\.operation) == [.release])
        #expect(h.bytes(".gitconfig") == Self.userBytes, "restored byte for byte")
        #expect(h.status(".gitconfig")?.mode == 0o640)
        #expect(try h.store.backups(for: address).isEmpty)
        #expect(h.temporaryFiles().isEmpty)
    }

    @Test func destroyPutsTheOriginalBackAndEnsureAbsentDeletesWithABackup() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes("notes", Self.userBytes, mode: 0o600)
        let config = """
              - type: file
                path: ~/notes
                content: "tend's\\n"
            """
        try await h.converge(config)
        // `tend destroy file:~/notes`: the change the executor hands the type for a resource in the config.
        let result = try await h.plan(config)
        let resource = try #require(result.resources.first)
        let change = ResourceChange(address: resource.address, type: "file", operation: .destroy, parameters: [],
                                    message: "Remove ~/notes", reason: "tend destroy", dependsOn: [], fingerprint: "")
        let context = ApplyContext(host: h.host, backups: StateBackupKeeper(store: h.store))
        let outcomes = await FileResource().apply(
            [ChangeRequest(change: change, resource: resource, observation: result.observations[resource.address]!)],
            context: context)
        #expect(throws: Never.self) { try outcomes[resource.address]?.get() }
        #expect(h.bytes("notes") == Self.userBytes)
        #expect(h.status("notes")?.mode == 0o600)

        // `ensure: absent` means gone: deleted, and the original kept in the state.
        try h.writeBytes("other", Self.userBytes)
        try await h.converge("""
              - type: file
                path: ~/other
                content: x
                ensure: absent
            """)
        #expect(h.status("other") == nil)
        let kept = try h.store.backups(for: h.address("file:~/other"))
        #expect(kept.count == 1 && kept.first?.digest == SHA256.digest(Self.userBytes))
    }

    @Test func withoutAStateNothingTheUserHadIsOverwritten() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes(".bashrc", Self.userBytes)
        let (summary, _) = try await h.apply("""
              - type: file
                path: ~/.bashrc
                content: "mine now\\n"
              - type: file
                path: ~/new
                content: "fine\\n"
            """, backups: false)
        let message = try #require(h.failure(summary, "file:~/.bashrc"))
        #expect(message.hasPrefix("~/.bashrc exists and tend keeps no backup without its state; it did not overwrite it"))
        #expect(h.bytes(".bashrc") == Self.userBytes)
        #expect(summary.outcomes[h.address("file:~/new")]?.isSuccess == true, "independent changes go on")
    }

    @Test func aDirectoryWithFilesIsNeverReplacedButAnEmptyOneIsAndComesBack() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes("full/keep.txt", Self.userBytes)
        try FileManager.default.createDirectory(atPath: h.path + "/empty", withIntermediateDirectories: false)
        chmod(h.path + "/empty", 0o711)
        let (summary, _) = try await h.apply("""
              - type: file
                path: ~/full
                content: "x\\n"
              - type: file
                path: ~/empty
                content: "y\\n"
            """)
        #expect(h.failure(summary, "file:~/full") == "~/full is a directory; tend will not replace it with a file")
        #expect(h.bytes("full/keep.txt") == Self.userBytes)
        #expect(summary.outcomes[h.address("file:~/empty")]?.isSuccess == true, "\(h.failures(summary))")
        #expect(h.bytes("empty") == Array("y\n".utf8))

        try await h.apply("  []")
        #expect(h.status("empty")?.kind == .directory, "the empty directory is back")
        #expect(h.status("empty")?.mode == 0o711)
    }

    @Test func aSymlinkInTheWayIsReplacedNotFollowed() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes("real", Self.userBytes)
        #expect(symlink(h.path + "/real", h.path + "/link") == 0)
        try await h.converge("""
              - type: file
                path: ~/link
                content: "file now\\n"
            """)
        #expect(h.status("link")?.kind == .file)
        #expect(h.bytes("real") == Self.userBytes, "the link's target is untouched")
        try await h.apply("  []")
        #expect(h.status("link")?.kind == .symlink)
        #expect(FileSystem().readLink(h.path + "/link") == h.path + "/real")
    }

    /// A reader never sees a mix of the old and the new bytes while tend rewrites a file.
    @Test func aReaderSeesTheOldBytesOrTheNewOnes() async throws {
        let h = try LocalApplyHarness()
        let size = 1 << 18
        try h.writeBytes("src/a", [UInt8](repeating: UInt8(ascii: "a"), count: size))
        try h.writeBytes("src/b", [UInt8](repeating: UInt8(ascii: "b"), count: size / 2))
        func config(_ source: String) -> String {
            "  - type: file\n    path: ~/big\n    source: ./src/\(source)\n"
        }
        try await h.converge(config("a"))
        let stop = LockedFlag()
        let target = h.path + "/big"
        let reader = Task.detached { () -> (reads: Int, torn: Int) in
            var reads = 0
            var torn = 0
            while !stop.isSet {
                guard let bytes = FileSystem().read(target) else { continue }
                reads += 1
                let uniform = (bytes.count == size && bytes.allSatisfy { $0 == UInt8(ascii: "a") })
                    || (bytes.count == size / 2 && bytes.allSatisfy { $0 == UInt8(ascii: "b") })
                if !uniform { torn += 1 }
            }
            return (reads, torn)
        }
        for round in 0..<6 {
            try await h.converge(config(round % 2 == 0 ? "b" : "a"))
        }
        stop.set()
        let (reads, torn) = await reader.value
        #expect(reads > 0)
        #expect(torn == 0, "\(torn) of \(reads) reads saw a partly written file")
        #expect(h.temporaryFiles().isEmpty)
    }

    /// A write that fails half-way (the disk fills up) leaves the old file whole and no temporary file behind.
    @Test(.enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"))
    func aFailedWriteLeavesTheOldFile() async throws {
        let h = try LocalApplyHarness()
        let mountPoint = h.path + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let mount = try await h.host.runner.run(Command(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]))
        try #require(mount.succeeded, "cannot mount a tmpfs here: \(mount.errorOutput)")
        defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
        try h.writeBytes("small/config", Self.userBytes)
        try h.writeBytes("src/huge", [UInt8](repeating: 0x41, count: 256 * 1024))
        let (summary, _) = try await h.apply("""
              - type: file
                path: ~/small/config
                source: ./src/huge
            """)
        let message = try #require(h.failure(summary, "file:~/small/config"))
        #expect(message.hasPrefix("could not write ~/small/config, which was left as it was: "), "\(message)")
        #expect(message.contains("No space left on device"), "\(message)")
        #expect(h.bytes("small/config") == Self.userBytes)
        #expect(h.temporaryFiles(in: "small").isEmpty, "\(h.temporaryFiles(in: "small"))")
    }

    @Test(.enabled(if: geteuid() == 0, "giving files away needs root"))
    func ownerAndGroupAreSetAsRootAndAnUnknownOwnerFailsFirst() async throws {
        let h = try LocalApplyHarness()
        try await h.converge("""
              - type: file
                path: ~/owned
                content: "x\\n"
                owner: nobody
                group: nogroup
              - type: directory
                path: ~/owned-dir
                owner: nobody
            """)
        #expect(h.status("owned")?.uid == getpwnam("nobody")!.pointee.pw_uid)
        #expect(h.status("owned")?.gid == getgrnam("nogroup")!.pointee.gr_gid)
        #expect(h.status("owned-dir")?.uid == getpwnam("nobody")!.pointee.pw_uid)

        let (summary, _) = try await h.apply("""
              - type: file
                path: ~/ghost
                content: "x\\n"
                owner: no-such-user-tend
            """)
        #expect(h.failure(summary, "file:~/ghost") == "owner 'no-such-user-tend' of ~/ghost is not a user on this machine")
        #expect(h.status("ghost") == nil, "nothing is written when the owner is unknown")
    }

    /// Behind validate, which refuses a missing source first (`BadValueTests`).
    @Test func aMissingSourceFailsAndNamesIt() async throws {
        let h = try LocalApplyHarness()
        h.catalog = uncheckedCatalog
        let (summary, _) = try await h.apply("""
              - type: file
                path: ~/x
                source: ./nowhere
            """)
        #expect(h.failure(summary, "file:~/x") == "source ~/nowhere of file:~/x does not exist")
        #expect(h.status("x") == nil)
    }

    // MARK: directory

    @Test func directoriesAreMadeWithParentsAndModeAndRemovedOnlyWhenEmpty() async throws {
        let h = try LocalApplyHarness()
        try await h.converge("""
              - type: directory
                path: ~/src/github/me
                mode: "0775"
              - type: directory
                path: ~/plain
            """)
        #expect(h.status("src/github/me")?.mode == 0o775, "the umask does not narrow the mode")
        #expect(h.status("src")?.mode == 0o755 && h.status("src/github")?.mode == 0o755)
        #expect(h.status("plain")?.mode == 0o755)

        try await h.converge("""
              - type: directory
                path: ~/src/github/me
                mode: "0700"
              - type: directory
                path: ~/plain
            """)
        #expect(h.status("src/github/me")?.mode == 0o700)

        try h.writeBytes("src/github/me/work.txt", Self.userBytes)
        let (summary, _) = try await h.apply("""
              - type: directory
                path: ~/src/github/me
                ensure: absent
              - type: directory
                path: ~/plain
                ensure: absent
            """)
        #expect(h.failure(summary, "directory:~/src/github/me")
                == "~/src/github/me is not empty; tend removes only empty directories and never deletes your files")
        #expect(h.bytes("src/github/me/work.txt") == Self.userBytes)
        #expect(summary.outcomes[h.address("directory:~/plain")]?.isSuccess == true)
        #expect(h.status("plain") == nil)
    }

    @Test func aUsersDirectoryGetsItsModeBackAndAFileIsNeverReplacedByADirectory() async throws {
        let h = try LocalApplyHarness()
        try FileManager.default.createDirectory(atPath: h.path + "/mine", withIntermediateDirectories: false)
        chmod(h.path + "/mine", 0o750)
        try h.writeBytes("mine/data", Self.userBytes)
        try h.writeBytes("afile", Self.userBytes)
        let (summary, _) = try await h.apply("""
              - type: directory
                path: ~/mine
                mode: "0700"
              - type: directory
                path: ~/afile
            """)
        #expect(summary.outcomes[h.address("directory:~/mine")]?.isSuccess == true)
        #expect(h.status("mine")?.mode == 0o700)
        #expect(h.failure(summary, "directory:~/afile") == "~/afile is a regular file; tend will not replace it with a directory")
        #expect(h.bytes("afile") == Self.userBytes)

        try await h.apply("  []")
        #expect(h.status("mine")?.mode == 0o750)
        #expect(h.bytes("mine/data") == Self.userBytes)
    }

    // MARK: symlink

    @Test func aSymlinkReplacesAFileAtomicallyAndTheFileComesBack() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes(".vimrc", Self.userBytes, mode: 0o600)
        try h.writeBytes("dotfiles/vimrc", Array("set nu\n".utf8))
        try h.writeBytes("dotfiles/vimrc2", Array("set rnu\n".utf8))
        let plan = try await h.converge("""
              - type: symlink
                path: ~/.vimrc
                target: ./dotfiles/vimrc
              - type: symlink
                path: ~/.config/nvim/init.vim
                target: ~/dotfiles/vimrc
            """)
        #expect(Set(plan.changes.map(\.operation)) == [.modify, .create])
        #expect(FileSystem().readLink(h.path + "/.vimrc") == h.path + "/dotfiles/vimrc")
        #expect(FileSystem().readLink(h.path + "/.config/nvim/init.vim") == h.path + "/dotfiles/vimrc")
        #expect(try h.store.backups(for: h.address("symlink:~/.vimrc")).first?.digest == SHA256.digest(Self.userBytes))

        try await h.converge("""
              - type: symlink
                path: ~/.vimrc
                target: ./dotfiles/vimrc2
              - type: symlink
                path: ~/.config/nvim/init.vim
                target: ~/dotfiles/vimrc
            """)
        #expect(FileSystem().readLink(h.path + "/.vimrc") == h.path + "/dotfiles/vimrc2")
        #expect(h.temporaryFiles().isEmpty)

        // Both leave the config: tend's own link is removed, the user's file comes back byte for byte.
        let (summary, gone) = try await h.apply("  []")
        #expect(summary.succeeded, "\(h.failures(summary))")
        #expect(Set(gone.changes.map(\.operation)) == [.release, .destroy])
        #expect(h.status(".vimrc")?.kind == .file)
        #expect(h.bytes(".vimrc") == Self.userBytes)
        #expect(h.status(".vimrc")?.mode == 0o600)
        #expect(h.status(".config/nvim/init.vim") == nil)
        #expect(h.bytes("dotfiles/vimrc") == Array("set nu\n".utf8), "removing a link never touches its target")
    }

    @Test func aSymlinkNeverReplacesADirectoryWithFiles() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes(".emacs.d/init.el", Self.userBytes)
        try h.writeBytes("dotfiles/emacs/init.el", Array("; mine\n".utf8))
        let (summary, _) = try await h.apply("""
              - type: symlink
                path: ~/.emacs.d
                target: ./dotfiles/emacs
            """)
        #expect(h.failure(summary, "symlink:~/.emacs.d") == "~/.emacs.d is a directory with files in it; tend will not replace it with a link")
        #expect(h.bytes(".emacs.d/init.el") == Self.userBytes)
    }

    @Test func ensureAbsentRemovesOnlyALink() async throws {
        let h = try LocalApplyHarness()
        try h.writeBytes("target", Self.userBytes)
        try await h.converge("""
              - type: symlink
                path: ~/l
                target: ~/target
            """)
        try h.writeBytes("plain", Self.userBytes)
        let (summary, _) = try await h.apply("""
              - type: symlink
                path: ~/l
                target: ~/target
                ensure: absent
              - type: symlink
                path: ~/plain
                target: ~/target
                ensure: absent
            """)
        #expect(summary.outcomes[h.address("symlink:~/l")]?.isSuccess == true, "\(h.failures(summary))")
        #expect(h.status("l") == nil)
        #expect(h.bytes("target") == Self.userBytes)
        #expect(h.failure(summary, "symlink:~/plain") == "~/plain is a regular file, not a link; tend removes only the link it manages")
        #expect(h.bytes("plain") == Self.userBytes)
    }
}

/// A flag one task sets and another polls.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
