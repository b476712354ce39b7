import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// A temporary HOME with the file-system and profile types: loads a config from YAML there, refreshes it on the
/// real file system, and plans it, with a scripted runner that fails any command (these types run none).
struct LocalRefreshHarness {
    let home: TemporaryHome
    let runner = ScriptedProcessRunner()
    let host: Machine
    let registry = TypeRegistry([
        FileResource(), DirectoryResource(), SymlinkResource(), AliasResource(), PathResource(), EnvResource(),
    ])

    /// `uncheckedCatalog` for tests of refresh's own guards behind validate.
    var catalog = BuiltinSchemas.catalog

    init(environment: [String: String] = [:]) throws {
        home = try TemporaryHome(prefix: "tend-files")
        host = home.host(environment: environment, runner: runner)
    }

    var path: String { home.path }

    /// The config `text` as if written at `~/tend.yaml`; relative paths in it are taken from the home.
    func config(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
        let loader = ConfigLoader(catalog: catalog, host: host.facts, workingDirectory: home.path)
        let result = loader.load(text: "tend: 1\nresources:\n" + text + "\n", path: "tend.yaml")
        let diagnostics = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        return try #require(result.config, "config has errors:\n\(diagnostics)", sourceLocation: sourceLocation)
    }

    /// Refreshes every resource of `text` and plans it.
    func plan(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws
        -> (plan: Plan, observations: [Address: Observation]) {
        let config = try config(text, sourceLocation: sourceLocation)
        let observations = try await Refresher(registry: registry, host: host).refresh(config.resources)
        let plan = Planner(registry: registry, home: host.home).plan(config: config, resources: config.resources,
                                                                    observations: observations)
        return (plan, observations)
    }

    func address(_ text: String) -> Address { Address(parsing: text, home: home.path)! }

    func writeBytes(_ relativePath: String, _ bytes: [UInt8], mode: Int? = nil) throws {
        let full = home.path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: PathNormalizer.directory(of: full),
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        if let mode { chmod(full, mode_t(mode)) }
    }

    func makeDirectory(_ relativePath: String, mode: Int = 0o755) throws {
        let full = home.path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        chmod(full, mode_t(mode))
    }

    /// A symlink at `relativePath` storing `target` exactly as given.
    func link(_ relativePath: String, to target: String) throws {
        let full = home.path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: PathNormalizer.directory(of: full),
                                                withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    func mode(_ relativePath: String) -> String? {
        host.files.status(home.path + "/" + relativePath).map { FileMode(bits: $0.mode).description }
    }
}

/// file, directory and symlink: refresh against real files in a temporary HOME, then the plan it leads to.
@Suite struct FileRefreshTests {
    // MARK: file content

    @Test func equalContentIsUnchangedAndRunsNoProcess() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write(".gitignore_global", ".DS_Store\n*.swp\n")
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/.gitignore_global
                content: |
                  .DS_Store
                  *.swp
            """)
        let observation = try #require(observations[h.address("file:~/.gitignore_global")])
        #expect(observation.exists)
        #expect(observation.parameters["content"] == .string(".DS_Store\n*.swp\n"))
        #expect(observation.contentChange == nil)
        #expect(plan.isEmpty, "\(plan.changes)")
        #expect(plan.unchanged == [h.address("file:~/.gitignore_global")])
        #expect(h.runner.commands.isEmpty)
    }

    @Test func differentContentIsAModifyWithADiffAndTheCurrentText() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write(".gitconfig", "[user]\n\tname = Old Name\n\temail = old@example.com\n[core]\n\teditor = vim\n")
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/.gitconfig
                content: "[user]\\n\\tname = Me\\n\\temail = old@example.com\\n[core]\\n\\teditor = vim\\n"
            """)
        let observation = try #require(observations[h.address("file:~/.gitconfig")])
        #expect(observation.parameters["content"]?.stringValue?.contains("Old Name") == true)
        let diff = try #require(observation.contentChange)
        #expect(diff.path == h.path + "/.gitconfig")
        #expect(diff.before.contains("Old Name") && diff.after.contains("name = Me"))
        let change = try #require(plan.changes.first)
        #expect(change.operation == .modify)
        #expect(change.message == "Update ~/.gitconfig: 2 lines changed")
        #expect(change.reason == "content differs")
        #expect(change.diff?.contains("-\tname = Old Name\n+\tname = Me\n") == true)
    }

    @Test func contentIsComparedByBytes() async throws {
        let h = try LocalRefreshHarness()
        // "é" as e + combining acute: Swift's String == calls it equal to the precomposed "é"; the bytes differ.
        try h.writeBytes("decomposed", Array("caf\u{65}\u{301}\n".utf8))
        try h.writeBytes("blob", [0xFF, 0x00, 0x41])
        try h.writeBytes("no-newline", Array("x".utf8))
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/decomposed
                content: "caf\\u00e9\\n"
              - type: file
                path: ~/blob
                content: "A"
              - type: file
                path: ~/no-newline
                content: "x\\n"
            """)
        let decomposed = try #require(observations[h.address("file:~/decomposed")])
        #expect(decomposed.parameters["content"] != .string("caf\u{e9}\n"))
        #expect(decomposed.note == "the text differs in Unicode normalisation")
        let blob = try #require(observations[h.address("file:~/blob")])
        #expect(blob.parameters["content"] == .string("(binary, 3 bytes)"))
        #expect(blob.note == "the file is not UTF-8 text")
        #expect(blob.contentChange == nil)
        #expect(observations[h.address("file:~/no-newline")]?.parameters["content"] == .string("x"))
        let messages = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.address.key, $0.message) })
        #expect(messages == [
            "~/decomposed": "Update ~/decomposed: content replaced",
            "~/blob": "Update ~/blob: content replaced",
            "~/no-newline": "Update ~/no-newline: newline added at the end",
        ])
    }

    @Test func aMissingFileIsACreateShowingTheNewText() async throws {
        let h = try LocalRefreshHarness()
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/.gitignore_global
                content: |
                  .DS_Store
                  *.swp
                  .idea/
              - type: file
                path: ~/empty
                content: ""
            """)
        let observation = try #require(observations[h.address("file:~/.gitignore_global")])
        #expect(!observation.exists)
        #expect(observation.note == "does not exist")
        let change = try #require(plan.changes.first { $0.address.key == "~/.gitignore_global" })
        #expect(change.operation == .create)
        #expect(change.message == "Create ~/.gitignore_global (3 lines)")
        #expect(change.diff?.contains("+.idea/\n") == true)
        #expect(plan.changes.first { $0.address.key == "~/empty" }?.message == "Create ~/empty (empty)")
    }

    @Test func sensitiveContentIsNeverInTheObservationDiffOrMessage() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write(".netrc", "machine example.com password old\n")
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/.netrc
                content: "machine example.com password s3cret\\n"
                sensitive: [content]
            """)
        #expect(observations[h.address("file:~/.netrc")]?.contentChange == nil)
        let change = try #require(plan.changes.first)
        #expect(change.message == "Update ~/.netrc: content replaced")
        #expect(change.diff == nil)
        #expect(!"\(change)".contains("s3cret"))
    }

    // MARK: file source

    @Test func sourceIsComparedByBytesWithTheTarget() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write("dotfiles/tmux.conf", "set -g mouse on\nset -g base-index 1\n")
        try h.home.write(".tmux.conf", "set -g mouse on\nset -g base-index 1\n")
        try h.home.write("dotfiles/inputrc", "set editing-mode vi\n")
        try h.home.write(".inputrc", "set editing-mode emacs\n")
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/.tmux.conf
                source: ./dotfiles/tmux.conf
              - type: file
                path: ~/.inputrc
                source: dotfiles/inputrc
            """)
        #expect(observations[h.address("file:~/.tmux.conf")]?.parameters["source"]
                    == .string(h.path + "/dotfiles/tmux.conf"))
        let inputrc = try #require(observations[h.address("file:~/.inputrc")])
        #expect(inputrc.parameters["source"] == .string("(different content)"))
        #expect(inputrc.contentChange == ContentChange(path: h.path + "/.inputrc", before: "set editing-mode emacs\n",
                                                       after: "set editing-mode vi\n"))
        #expect(plan.unchanged == [h.address("file:~/.tmux.conf")])
        let change = try #require(plan.changes.first)
        #expect(change.address == h.address("file:~/.inputrc"))
        #expect(change.message == "Update ~/.inputrc: 2 lines changed")
        #expect(change.parameters.map(\.name) == ["source"])
    }

    /// Behind validate, which refuses a missing source unless another resource makes it (`BadValueTests`).
    @Test func aMissingSourceIsANoteNotAFailure() async throws {
        var h = try LocalRefreshHarness()
        h.catalog = uncheckedCatalog
        try h.home.write(".vimrc", "set number\n")
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/.vimrc
                source: ./dotfiles/vimrc
              - type: file
                path: ~/.zshrc
                source: ./dotfiles/zshrc
            """)
        let present = try #require(observations[h.address("file:~/.vimrc")])
        #expect(present.exists)
        #expect(present.note == "source ~/dotfiles/vimrc does not exist")
        #expect(present.parameters["source"] != .string(h.path + "/dotfiles/vimrc"))
        let absent = try #require(observations[h.address("file:~/.zshrc")])
        #expect(!absent.exists)
        #expect(absent.note == "does not exist; source ~/dotfiles/zshrc does not exist")
        #expect(plan.changes.map(\.operation) == [.create, .modify] || plan.changes.map(\.operation) == [.modify, .create])
        #expect(plan.changes.first { $0.operation == .modify }?.reason == "source ~/dotfiles/vimrc does not exist")
        #expect(plan.changes.first { $0.operation == .create }?.message == "Create ~/.zshrc (copy of ~/dotfiles/zshrc)")
    }

    // MARK: file mode, owner, group

    @Test func modeOwnerAndGroupAreReadBack() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write("private", "x\n", mode: 0o600)
        try h.home.write("public", "x\n", mode: 0o644)
        let user = h.host.files.userName(geteuid())
        let group = h.host.files.groupName(getegid())
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/private
                content: "x\\n"
                mode: "0644"
              - type: file
                path: ~/public
                content: "x\\n"
                mode: "644"
                owner: \(user)
                group: \(group)
            """)
        let observed = try #require(observations[h.address("file:~/private")])
        #expect(observed.parameters["mode"] == .string("0600"))
        #expect(observed.parameters["owner"] == .string(user))
        #expect(observed.parameters["group"] == .string(group))
        #expect(plan.unchanged == [h.address("file:~/public")])
        let change = try #require(plan.changes.first)
        #expect(change.message == "Change mode of ~/private from 0600 to 0644")
        #expect(change.diff == nil)
    }

    @Test func contentAndModeTogetherAreOneUpdate() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write("x", "old\n", mode: 0o600)
        let (plan, _) = try await h.plan("""
              - type: file
                path: ~/x
                content: "new\\n"
                mode: "0644"
            """)
        #expect(plan.changes.first?.message == "Update ~/x: 2 lines changed, mode 0600 to 0644")
    }

    // MARK: something else at a file's path

    @Test func aDirectoryOrSymlinkWhereAFileShouldBeIsAChangeWithANote() async throws {
        let h = try LocalRefreshHarness()
        try h.makeDirectory("dir")
        try h.home.write("real", "(a directory)")
        try h.link("link", to: "real")
        // The desired content is the very text the placeholder would say: it must still differ.
        let (plan, observations) = try await h.plan("""
              - type: file
                path: ~/dir
                content: (a directory)
              - type: file
                path: ~/link
                content: (a directory)
              - type: file
                path: ~/dir2
                source: ./dir
            """)
        let directory = try #require(observations[h.address("file:~/dir")])
        #expect(directory.exists)
        #expect(directory.note == "a directory is at this path")
        #expect(directory.parameters["content"] != .string("(a directory)"))
        let link = try #require(observations[h.address("file:~/link")])
        #expect(link.note == "a symlink is at this path (-> ~/real)")
        let messages = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.address.key, $0.message) })
        #expect(messages["~/dir"] == "Replace the directory at ~/dir with a file")
        #expect(messages["~/link"] == "Replace the symlink at ~/link with a file")
        #expect(plan.changes.first { $0.address.key == "~/dir" }?.reason == "a directory is at this path")
        #expect(observations[h.address("file:~/dir2")]?.note == "does not exist; source ~/dir is a directory, not a regular file")
    }

    @Test func ensureAbsentRemovesAFile() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write("old.conf", "x\n")
        let (plan, _) = try await h.plan("""
              - type: file
                path: ~/old.conf
                content: ""
                ensure: absent
              - type: file
                path: ~/never-there
                content: ""
                ensure: absent
            """)
        #expect(plan.changes.map(\.message) == ["Remove ~/old.conf"])
        #expect(plan.unchanged == [h.address("file:~/never-there")])
    }

    // MARK: directory

    @Test func directoriesAreReadWithModeAndFollowedThroughSymlinks() async throws {
        let h = try LocalRefreshHarness()
        try h.makeDirectory("src", mode: 0o700)
        try h.makeDirectory("bin", mode: 0o755)
        try h.makeDirectory("data/projects", mode: 0o755)
        try h.link("projects", to: "data/projects")
        try h.home.write("notes", "a file\n")
        let (plan, observations) = try await h.plan("""
              - type: directory
                path: ~/src
                mode: "0755"
              - type: directory
                path: ~/bin
                mode: "0755"
              - type: directory
                path: ~/projects
              - type: directory
                path: ~/notes
              - type: directory
                path: ~/go
            """)
        #expect(observations[h.address("directory:~/src")]?.parameters["mode"] == .string("0700"))
        #expect(observations[h.address("directory:~/projects")]?.exists == true)
        let notes = try #require(observations[h.address("directory:~/notes")])
        #expect(!notes.exists)
        #expect(notes.note == "a regular file is at this path, not a directory")
        #expect(Set(plan.unchanged) == [h.address("directory:~/bin"), h.address("directory:~/projects")])
        let messages = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.address.key, $0.message) })
        #expect(messages == [
            "~/src": "Change mode of directory ~/src from 0700 to 0755",
            "~/notes": "Create directory ~/notes",
            "~/go": "Create directory ~/go",
        ])
        #expect(h.runner.commands.isEmpty)
    }

    // MARK: symlink

    @Test func symlinkTargetsAreAbsoluteFromTheLinksDirectory() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write("dotfiles/vimrc", "set number\n")
        try h.home.write("dotfiles/init.vim", "set number\n")
        try h.link(".vimrc", to: "dotfiles/vimrc")
        try h.link(".config/nvim/init.vim", to: "../../dotfiles/./init.vim")
        try h.link(".absolute", to: h.path + "/dotfiles//vimrc")
        let (plan, observations) = try await h.plan("""
              - type: symlink
                path: ~/.vimrc
                target: ./dotfiles/vimrc
              - type: symlink
                path: ~/.config/nvim/init.vim
                target: ~/dotfiles/init.vim
              - type: symlink
                path: ~/.absolute
                target: dotfiles/vimrc
            """)
        #expect(observations[h.address("symlink:~/.vimrc")]?.parameters["target"] == .string(h.path + "/dotfiles/vimrc"))
        #expect(observations[h.address("symlink:~/.config/nvim/init.vim")]?.parameters["target"]
                    == .string(h.path + "/dotfiles/init.vim"))
        #expect(observations[h.address("symlink:~/.absolute")]?.parameters["target"] == .string(h.path + "/dotfiles/vimrc"))
        #expect(plan.isEmpty, "\(plan.changes.map(\.message))")
        #expect(h.runner.commands.isEmpty)
    }

    @Test func danglingWrongAndMissingLinks() async throws {
        let h = try LocalRefreshHarness()
        try h.home.write("dotfiles/vimrc", "set number\n")
        try h.home.write("old/vimrc", "set nonumber\n")
        try h.link(".dangling", to: "dotfiles/gone")
        try h.link(".vimrc", to: h.path + "/old/vimrc")
        try h.home.write(".bashrc", "# a real file\n")
        let (plan, observations) = try await h.plan("""
              - type: symlink
                path: ~/.dangling
                target: ./dotfiles/gone
              - type: symlink
                path: ~/.vimrc
                target: ./dotfiles/vimrc
              - type: symlink
                path: ~/.bashrc
                target: ./dotfiles/bashrc
              - type: symlink
                path: ~/.gvimrc
                target: ./dotfiles/vimrc
            """)
        let dangling = try #require(observations[h.address("symlink:~/.dangling")])
        #expect(dangling.exists)
        #expect(dangling.parameters["target"] == .string(h.path + "/dotfiles/gone"))
        #expect(dangling.note == "the link is dangling: ~/dotfiles/gone does not exist")
        let file = try #require(observations[h.address("symlink:~/.bashrc")])
        #expect(file.exists)
        #expect(file.note == "a regular file is at this path, not a symlink")
        #expect(plan.unchanged == [h.address("symlink:~/.dangling")])
        let messages = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.address.key, $0.message) })
        #expect(messages == [
            "~/.vimrc": "Relink ~/.vimrc -> ~/dotfiles/vimrc (was -> ~/old/vimrc)",
            "~/.bashrc": "Replace the regular file at ~/.bashrc with a link to ~/dotfiles/bashrc",
            "~/.gvimrc": "Link ~/.gvimrc -> ~/dotfiles/vimrc",
        ])
    }

    @Test func pathsOutsideTheHomeStayAbsoluteInMessages() async throws {
        let h = try LocalRefreshHarness()
        let outside = try TemporaryHome(prefix: "tend-outside")
        let (plan, _) = try await h.plan("""
              - type: symlink
                path: \(outside.path)/link
                target: ~/dotfiles/vimrc
              - type: directory
                path: \(outside.path)/dir
            """)
        #expect(Set(plan.changes.map(\.message)) == [
            "Link \(outside.path)/link -> \(h.path)/dotfiles/vimrc",
            "Create directory \(outside.path)/dir",
        ])
    }
}
