import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// A temporary HOME with its own global git config, a state store, and the real engine and executor over it.
private final class GitWorld: @unchecked Sendable {
    let home: TemporaryHome
    let environment: [String: String]
    let store: InMemoryStateStore
    let log = LogLines()

    /// `globalConfig`: the path (in HOME) that `GIT_CONFIG_GLOBAL` names, or nil to leave it unset.
    init(globalConfig: String? = "gitconfig") throws {
        home = try TemporaryHome()
        var environment = ["GIT_CONFIG_NOSYSTEM": "1"]
        if let globalConfig { environment["GIT_CONFIG_GLOBAL"] = home.path + "/" + globalConfig }
        self.environment = environment
        store = InMemoryStateStore(backupDirectory: home.path + "/.state/backups")
    }

    var host: Machine { home.host(environment: environment) }

    func load(_ resources: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
        let loader = ConfigLoader(catalog: BuiltinSchemas.catalog, host: home.facts(environment: environment),
                                  workingDirectory: home.path)
        let text = "tend: 1\nresources:\n" + resources
        let result = loader.load(text: text, path: home.path + "/tend.yaml")
        let shown = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        #expect(result.diagnostics.isEmpty, "\(shown)", sourceLocation: sourceLocation)
        return try #require(result.config, "\(shown)", sourceLocation: sourceLocation)
    }

    func plan(_ config: Config) async throws -> PlanResult {
        try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config)
    }

    /// Plans and applies `config` through the executor with a journal over the store; retries do not wait.
    func apply(_ config: Config, attempts: Int = 1) async throws -> ApplySummary {
        let planned = try await plan(config)
        let run = try store.beginRun(kind: .apply, configPath: config.rootPath, configDigest: config.digest,
                                     pid: getpid(), hostname: "test")
        let journal = StateJournal(store: store, runID: run.id, configPath: config.rootPath,
                                   registry: BuiltinTypes.registry)
        return await Executor(registry: BuiltinTypes.registry, host: host, journal: journal,
                              backups: StateBackupKeeper(store: store), progress: log,
                              retryOverride: RetryPolicy(attempts: attempts, backoff: 0))
            .apply(plan: planned.plan, resources: planned.resources, observations: planned.observations)
    }

    /// Applies, expects every change to succeed, and expects the next plan to be empty.
    func converge(_ config: Config, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let summary = try await apply(config)
        #expect(summary.succeeded, "\(failures(summary))", sourceLocation: sourceLocation)
        let again = try await plan(config)
        #expect(again.plan.changes.isEmpty, "\(again.plan.changes.map { "\($0.address): \($0.reason)" })",
                sourceLocation: sourceLocation)
    }

    /// Runs real git with the world's environment.
    @discardableResult
    func git(_ arguments: [String], check: Bool = true) async throws -> CommandResult {
        let result = try await home.host(environment: environment).runner.run(Command(["git"] + arguments, timeout: 60))
        return check ? try result.check() : result
    }

    func outputs(_ address: String) throws -> [String: Value] {
        try store.managedResource(try #require(Address(parsing: address, home: home.path)))?.outputs ?? [:]
    }
}

/// Every log line the executor emits (the commands it runs, as `$ ...`).
private final class LogLines: ApplyProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func started(_ change: ResourceChange) {}
    func finished(_ change: ResourceChange, outcome: ChangeOutcome) {}
    func log(_ address: Address?, _ line: String) { lock.withLock { lines.append(line) } }
}

private func failures(_ summary: ApplySummary) -> [String] {
    summary.outcomes.sorted { $0.key < $1.key }.compactMap { address, outcome in
        if case .failed(let message, _, _) = outcome { return "\(address): \(message)" }
        if case .skipped(let reason) = outcome { return "\(address): skipped, \(reason)" }
        return nil
    }
}

private func failure(_ summary: ApplySummary, _ key: String, _ world: GitWorld) throws -> (message: String, attempts: Int)? {
    let address = try #require(Address(parsing: key, home: world.home.path))
    if case .failed(let message, _, let attempts)? = summary.outcomes[address] { return (message, attempts) }
    return nil
}

/// A YAML double-quoted scalar holding `text` exactly.
private func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// A path no test should ever create: a value that ran through a shell would create it.
private func pwnedPath() -> String { "/tmp/PWNED-" + UUID().uuidString }

// MARK: - git-config

@Suite struct GitConfigApplyTests {
    @Test func awkwardValuesRoundTripThroughGitAndConverge() async throws {
        let world = try GitWorld()
        let pwned = pwnedPath()
        let values: [(String, String)] = [
            ("user.name", "  Jane \"JD\" Doe ; # not a comment"),
            ("alias.boom", "!echo $(touch \(pwned)) `touch \(pwned)`; touch \(pwned) # \\"),
            ("core.notes", "line one\nline two\twith a tab\\ and a backslash"),
            ("user.trailing", "trailing spaces  "),
            ("sub.Mixed Case.key", "#hash;semicolon"),
            ("user.dash", "-x"),
        ]
        let yaml = values.map { "  - { type: git-config, key: \(quoted($0.0)), value: \(quoted($0.1)) }\n" }.joined()
        try await world.converge(try world.load(yaml))
        for (key, value) in values {
            let read = try await world.git(["config", "--global", "--get", key]).output
            #expect(read == value + "\n", "\(key)")
        }
        #expect(!FileManager.default.fileExists(atPath: pwned))

        // Changed values replace the old ones.
        try await world.converge(try world.load("""
              - { type: git-config, key: user.name, value: "Jane Doe" }
              - { type: git-config, key: core.notes, value: "one line now" }
            """))
        #expect(try await world.git(["config", "--global", "--get", "user.name"]).output == "Jane Doe\n")
        #expect(try await world.git(["config", "--global", "--get-all", "core.notes"]).output == "one line now\n")

        // ensure: absent unsets; unsetting a key that is not set succeeds too.
        try await world.converge(try world.load("""
              - { type: git-config, key: user.name, value: x, ensure: absent }
              - { type: git-config, key: "sub.Mixed Case.key", value: x, ensure: absent }
            """))
        #expect(try await world.git(["config", "--global", "--get", "user.name"], check: false).status == 1)
        #expect(try await world.git(["config", "--global", "--get", "user.dash"]).output == "-x\n")
        #expect(!FileManager.default.fileExists(atPath: pwned))
    }

    /// Without `GIT_CONFIG_GLOBAL`, git writes `~/.gitconfig` when it exists and else the XDG file; refresh reads
    /// both. Destroy unsets the key in both, so a value in the XDG file cannot show through.
    @Test func xdgFileAndHomeGitconfigAgreeWithRefresh() async throws {
        let world = try GitWorld(globalConfig: nil)
        let xdg = try world.home.write(".config/git/config", "[user]\n\tname = From XDG\n\temail = xdg@example.com\n")

        // Only the XDG file exists: git changes the value there.
        try await world.converge(try world.load("  - { type: git-config, key: user.email, value: new@example.com }\n"))
        #expect(!FileManager.default.fileExists(atPath: world.home.path + "/.gitconfig"))
        #expect(try String(contentsOfFile: xdg, encoding: .utf8).contains("new@example.com"))

        // With ~/.gitconfig there too, a set goes to ~/.gitconfig, which wins over the XDG file.
        let dotfile = try world.home.write(".gitconfig", "[core]\n\teditor = vim\n")
        try await world.converge(try world.load("  - { type: git-config, key: user.name, value: From Home }\n"))
        #expect(try String(contentsOfFile: dotfile, encoding: .utf8).contains("From Home"))
        #expect(try await world.git(["-C", world.home.path, "config", "--get", "user.name"]).output == "From Home\n")

        // Unsetting removes the key from both files; the other keys stay. (`git config --global --get` reads only
        // ~/.gitconfig when it exists before git 2.46; other git commands read both, and so does a plain --get.)
        try await world.converge(try world.load("  - { type: git-config, key: user.name, value: x, ensure: absent }\n"))
        let outside = ["-C", world.home.path, "config", "--get"]
        #expect(try await world.git(outside + ["user.name"], check: false).status == 1)
        #expect(try await world.git(outside + ["user.email"]).output == "new@example.com\n")
        #expect(try await world.git(outside + ["core.editor"]).output == "vim\n")
        #expect(try String(contentsOfFile: xdg, encoding: .utf8) == "[user]\n\temail = new@example.com\n")
    }

    @Test func aSensitiveValueIsSetButNeverLogged() async throws {
        let world = try GitWorld()
        let secret = "token-\(UUID().uuidString)"
        try await world.converge(try world.load("""
              - type: git-config
                key: credential.token
                value: \(secret)
                sensitive: [value]
            """))
        #expect(try await world.git(["config", "--global", "--get", "credential.token"]).output == secret + "\n")
        // git sets a placeholder; tend writes the value into the file itself, so it never reaches argv.
        #expect(world.log.all.contains { $0.contains("git config --global -- credential.token tend-placeholder-") })
        #expect(!world.log.all.contains { $0.contains(secret) })
        let reports = try world.store.reports(runID: 1)
        #expect(!reports.isEmpty)
        #expect(!reports.flatMap(\.commands).flatMap(\.arguments).contains(secret))
    }

    /// A sensitive value that git would have to quote (quotes, backslashes, comment signs, edge spaces, a tab)
    /// reads back from git exactly as written, though tend, not git, put it in the file.
    @Test func aSensitiveValueIsQuotedAsGitReadsIt() async throws {
        let world = try GitWorld()
        let secret = " a \"quoted\" \\ value # not a comment ; nor this\tend "
        try await world.converge(try world.load("""
              - type: git-config
                key: credential.token
                value: "\(secret.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\t", with: "\\t"))"
                sensitive: [value]
            """))
        #expect(try await world.git(["config", "--global", "--get", "credential.token"]).output == secret + "\n")
    }

    /// A key with several values is not collapsed into one: git refuses, and so the change fails with its words.
    @Test func aKeyWithSeveralValuesIsNotCollapsed() async throws {
        let world = try GitWorld()
        let text = "[remote \"origin\"]\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n\tfetch = +refs/tags/*:refs/tags/*\n"
        let path = try world.home.write("gitconfig", text)
        let summary = try await world.apply(try world.load(
            "  - { type: git-config, key: remote.origin.fetch, value: \"+refs/heads/main:refs/remotes/origin/main\" }\n"), attempts: 3)
        let failed = try #require(try failure(summary, "git-config:remote.origin.fetch", world))
        #expect(failed.message.hasPrefix("could not set git config remote.origin.fetch: `"))
        #expect(failed.message.contains("cannot overwrite multiple values with a single value"))
        #expect(failed.attempts == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    /// Another git holding the config file's lock is retried.
    @Test func aHeldLockIsRetryableAndFailsWithGitsMessage() async throws {
        let world = try GitWorld()
        let lock = try world.home.write("gitconfig.lock", "")
        let config = try world.load("  - { type: git-config, key: user.name, value: Jane }\n")
        let summary = try await world.apply(config, attempts: 2)
        let failed = try #require(try failure(summary, "git-config:user.name", world))
        #expect(failed.attempts == 2)
        #expect(failed.message.hasPrefix("could not set git config user.name: `"))
        #expect(failed.message.contains("could not lock config file"))

        try FileManager.default.removeItem(atPath: lock)
        try await world.converge(config)
    }
}

// MARK: - git-clone

@Suite struct GitCloneApplyTests {
    static let identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]

    /// A repository with `README` on main and `DEV` on dev (one commit ahead), main checked out; its path.
    private func makeUpstream(_ world: GitWorld, _ name: String) async throws -> String {
        let directory = world.home.path + "/upstream/" + name
        try await world.git(["init", "-q", "-b", "main", directory])
        try "\(name) main\n".write(toFile: directory + "/README", atomically: true, encoding: .utf8)
        try await world.git(["-C", directory, "add", "README"])
        try await world.git(["-C", directory] + Self.identity + ["commit", "-q", "-m", "main"])
        try await world.git(["-C", directory, "checkout", "-q", "-b", "dev"])
        try "dev\n".write(toFile: directory + "/DEV", atomically: true, encoding: .utf8)
        try await world.git(["-C", directory, "add", "DEV"])
        try await world.git(["-C", directory] + Self.identity + ["commit", "-q", "-m", "dev"])
        try await world.git(["-C", directory, "checkout", "-q", "main"])
        return directory
    }

    private func head(_ world: GitWorld, _ directory: String, _ ref: String = "HEAD") async throws -> String {
        try await world.git(["-C", directory, "rev-parse", ref]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func clone(_ url: String, _ directory: String, branch: String? = nil, depth: Int? = nil,
               ensure: String? = nil) -> String {
        var yaml = "  - type: git-clone\n    repository: \(quoted(url))\n    directory: \(quoted(directory))\n"
        if let branch { yaml += "    branch: \(branch)\n" }
        if let depth { yaml += "    depth: \(depth)\n" }
        if let ensure { yaml += "    ensure: \(ensure)\n" }
        return yaml
    }

    @Test func clonesIntoNewParentsSwitchesBranchesAndConverges() async throws {
        let world = try GitWorld()
        let upstream = try await makeUpstream(world, "app")
        let url = "file://" + upstream
        let directory = world.home.path + "/src/deep/nested/app"

        // A shallow clone of dev, into parents that do not exist yet.
        try await world.converge(try world.load(clone(url, "~/src/deep/nested/app", branch: "dev", depth: 1)))
        #expect(FileManager.default.fileExists(atPath: directory + "/DEV"))
        #expect(try await world.git(["-C", directory, "rev-parse", "--is-shallow-repository"]).output == "true\n")
        let upstreamDev = try await head(world, upstream, "dev")
        #expect(try world.outputs("git-clone:~/src/deep/nested/app")["commit"] == .string(upstreamDev))

        // main has no local branch in a single-branch clone: fetched, then checked out.
        try await world.converge(try world.load(clone(url, "~/src/deep/nested/app", branch: "main", depth: 1)))
        #expect(!FileManager.default.fileExists(atPath: directory + "/DEV"))
        #expect(try await head(world, directory) == (try await head(world, upstream, "main")))
        #expect(try world.outputs("git-clone:~/src/deep/nested/app")["commit"]
                == .string(try await head(world, upstream, "main")))

        // Back to dev, which now exists locally.
        try await world.converge(try world.load(clone(url, "~/src/deep/nested/app", branch: "dev", depth: 1)))
        #expect(try await head(world, directory) == upstreamDev)
    }

    @Test func valuesThatLookLikeShellOrOptionsRunNothing() async throws {
        let world = try GitWorld()
        let pwned = pwnedPath()
        let upstream = try await makeUpstream(world, "up;$(touch \(pwned))`touch \(pwned)`")
        let name = "~/src/we ird;$(touch \(pwned))`touch \(pwned)`'\""
        try await world.converge(try world.load(clone(upstream, name, branch: "dev")))
        let directory = PathNormalizer.expandTilde(name, home: world.home.path)
        #expect(FileManager.default.fileExists(atPath: directory + "/DEV"))

        // A repository that starts with a dash is a (missing) repository, never an option of git clone.
        let dashed = try world.load(clone("--upload-pack=touch \(pwned)", "~/src/dashed"))
        let summary = try await world.apply(dashed)
        let failed = try #require(try failure(summary, "git-clone:~/src/dashed", world))
        #expect(failed.message.contains("-- '--upload-pack=touch \(pwned)'"))
        #expect(!FileManager.default.fileExists(atPath: world.home.path + "/src/dashed"))
        #expect(!FileManager.default.fileExists(atPath: pwned))
    }

    @Test func uncommittedChangesBlockABranchSwitchAndARecloneAndStay() async throws {
        let world = try GitWorld()
        let first = try await makeUpstream(world, "first")
        let second = try await makeUpstream(world, "second")
        let directory = world.home.path + "/src/app"
        try await world.converge(try world.load(clone(first, "~/src/app")))
        try "my work\n".write(toFile: directory + "/README", atomically: true, encoding: .utf8)

        let switched = try await world.apply(try world.load(clone(first, "~/src/app", branch: "dev")))
        let refusedSwitch = try #require(try failure(switched, "git-clone:~/src/app", world))
        #expect(refusedSwitch.message == "could not switch the branch of ~/src/app: ~/src/app has uncommitted changes "
                + "(M README); tend switches branches only in a clean working tree (commit or stash them first)")

        let moved = try await world.apply(try world.load(clone(second, "~/src/app")))
        let refusedReclone = try #require(try failure(moved, "git-clone:~/src/app", world))
        #expect(refusedReclone.message.contains("has uncommitted changes (M README); tend never loses uncommitted work"))
        #expect(try String(contentsOfFile: directory + "/README", encoding: .utf8) == "my work\n")
        #expect(try await world.git(["-C", directory, "config", "remote.origin.url"]).output == first + "\n")

        // Committed but not pushed is still work only this clone has.
        try await world.git(["-C", directory] + Self.identity + ["commit", "-q", "-am", "mine"])
        let unpushed = try await world.apply(try world.load(clone(second, "~/src/app")))
        #expect(try failure(unpushed, "git-clone:~/src/app", world)?.message.contains("has commits that were never pushed")
                == true)
        #expect(try await world.git(["-C", directory, "log", "-1", "--format=%s"]).output == "mine\n")

        // So is a stash.
        try await world.git(["-C", directory] + Self.identity + ["reset", "-q", "--soft", "HEAD~1"])
        try await world.git(["-C", directory] + Self.identity + ["stash", "-q"])
        let stashed = try await world.apply(try world.load(clone(second, "~/src/app")))
        #expect(try failure(stashed, "git-clone:~/src/app", world)?.message.contains("never pushed") == true)

        // With the stash dropped, the clean clone is replaced, and nothing is left aside.
        try await world.git(["-C", directory, "stash", "drop", "-q"])
        try await world.converge(try world.load(clone(second, "~/src/app")))
        #expect(try await world.git(["-C", directory, "config", "remote.origin.url"]).output == second + "\n")
        #expect(try String(contentsOfFile: directory + "/README", encoding: .utf8) == "second main\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.home.path + "/src") == ["app"])
    }

    @Test func aFailedRecloneLeavesTheOldCloneInPlace() async throws {
        let world = try GitWorld()
        let first = try await makeUpstream(world, "first")
        let directory = world.home.path + "/src/app"
        try await world.converge(try world.load(clone(first, "~/src/app")))
        let before = try await head(world, directory)

        let summary = try await world.apply(try world.load(clone("file://" + world.home.path + "/nowhere", "~/src/app")))
        let failed = try #require(try failure(summary, "git-clone:~/src/app", world))
        #expect(failed.message.hasPrefix("could not re-clone ~/src/app: `"))
        #expect(try await head(world, directory) == before)
        #expect(try await world.git(["-C", directory, "config", "remote.origin.url"]).output == first + "\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.home.path + "/src") == ["app"])
    }

    @Test func aDirectoryThatIsNotACloneIsNeverReplaced() async throws {
        let world = try GitWorld()
        let upstream = try await makeUpstream(world, "app")
        let notes = try world.home.write("src/plain/notes.txt", "mine\n")
        let summary = try await world.apply(try world.load(clone(upstream, "~/src/plain")))
        let failed = try #require(try failure(summary, "git-clone:~/src/plain", world))
        #expect(failed.message == "could not re-clone ~/src/plain: ~/src/plain exists but is not a git repository; "
                + "tend never replaces or deletes what it did not clone (move it away, or choose another directory)")
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "mine\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.home.path + "/src/plain") == ["notes.txt"])
    }

    @Test func destroyRemovesOnlyACleanClone() async throws {
        let world = try GitWorld()
        let upstream = try await makeUpstream(world, "app")
        try await world.converge(try world.load(clone(upstream, "~/src/clean") + clone(upstream, "~/src/dirty")))
        try world.home.write("src/dirty/new-file", "untracked work\n")

        let summary = try await world.apply(try world.load(clone(upstream, "~/src/clean", ensure: "absent")
                                                           + clone(upstream, "~/src/dirty", ensure: "absent")))
        #expect(summary.outcomes[try #require(Address(parsing: "git-clone:~/src/clean", home: world.home.path))]?.isSuccess
                == true)
        #expect(!FileManager.default.fileExists(atPath: world.home.path + "/src/clean"))
        let failed = try #require(try failure(summary, "git-clone:~/src/dirty", world))
        #expect(failed.message.contains("has uncommitted changes (?? new-file)"))
        #expect(FileManager.default.fileExists(atPath: world.home.path + "/src/dirty/new-file"))
    }
}
