import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// Runs a real program (argv only, through Foundation `Process`) with `environment` as its whole environment.
private func run(_ arguments: [String], environment: [String: String], directory: String? = nil) async throws
    -> CommandResult {
    try await SystemProcessRunner(baseEnvironment: environment).run(
        Command(arguments, workingDirectory: directory, timeout: 30))
}

/// The environment git runs with in a test: the temporary HOME and nothing from the machine's own git setup.
private func gitEnvironment(_ home: TemporaryHome, _ extra: [String: String] = [:]) -> [String: String] {
    var environment = home.facts().environment
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment.merge(extra) { $1 }
    return environment
}

/// Loads `yaml` as `HOME/tend.yaml` over the temporary home's facts, failing the test on any diagnostic.
private func load(_ yaml: String, home: TemporaryHome, environment: [String: String] = [:],
                  sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
    let loader = ConfigLoader(catalog: BuiltinSchemas.catalog, host: home.facts(environment: environment),
                              workingDirectory: home.path)
    let result = loader.load(text: yaml, path: home.path + "/tend.yaml")
    let text = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
    #expect(result.diagnostics.isEmpty, "\(text)", sourceLocation: sourceLocation)
    return try #require(result.config, "\(text)", sourceLocation: sourceLocation)
}

/// Refreshes and plans `config` with one type, as `tend plan` does.
private func plan(_ config: Config, type: any ResourceType, host: Machine) async throws -> (Plan, [Address: Observation]) {
    let observations = try await type.refresh(config.resources, host: host)
    let planner = Planner(registry: TypeRegistry([type]), home: host.home)
    return (planner.plan(config: config, resources: config.resources, observations: observations), observations)
}

private func address(_ text: String, _ home: TemporaryHome) throws -> Address {
    try #require(Address(parsing: text, home: home.path))
}

// MARK: - the parser

@Suite struct GitConfigParserTests {
    func parse(_ text: String) throws -> GitConfigFile {
        try GitConfigFile(parsing: text, path: "/home/me/.gitconfig")
    }

    @Test func sectionAndNameAreCaseInsensitiveAndSubsectionsAreNot() throws {
        let config = try parse("""
            [User]
            \tName = Jane Doe
            [remote "Origin"]
            \tURL = https://example.com/a.git
            [Branch.Main]
            \tremote = origin
            [url "https://Example.com/"] insteadOf = ex:
            """)
        #expect(config.entries.map(\.key) == [
            "user.name", "remote.Origin.url", "branch.main.remote", "url.https://Example.com/.insteadof",
        ])
        #expect(config.value(for: "USER.NAME") == "Jane Doe")
        #expect(config.value(for: "remote.Origin.Url") == "https://example.com/a.git")
        #expect(config.value(for: "remote.origin.url") == nil)
        // The legacy [section.sub] form is lowercased by git, so only the lowercase spelling finds it.
        #expect(config.value(for: "branch.main.remote") == "origin")
        #expect(config.value(for: "branch.Main.remote") == nil)
        #expect(config.value(for: "url.https://Example.com/.insteadOf") == "ex:")
    }

    @Test func subsectionEscapesAreResolved() throws {
        let config = try parse(#"[sub "we\"ird\\name"]"# + "\n\tkey = v\n")
        #expect(config.entries.map(\.key) == [#"sub.we"ird\name.key"#])
    }

    @Test func bareNameIsTrueAndEmptyValueIsEmpty() throws {
        let config = try parse("[core]\n\tbare\n\tempty =\n\tspaced   \n")
        #expect(config.entry(for: "core.bare")?.value == nil)
        #expect(config.value(for: "core.bare") == "true")
        #expect(config.value(for: "core.empty") == "")
        #expect(config.value(for: "core.spaced") == "true")
    }

    @Test(arguments: [
        (#"k = "a \"q\" \\ b\tc\nd""#, "a \"q\" \\ b\tc\nd"),
        (#"k = x\by"#, "x\u{08}y"),
        ("k = v # comment", "v"),
        ("k = v;comment", "v"),
        (#"k = "v # not ; a comment" # but this is"#, "v # not ; a comment"),
        ("k =   x  \t y   ", "x    y"),
        ("k = \"x \t y\"", "x \t y"),
        (#"k = "  padded  "  "#, "  padded  "),
        (#"k = a"b c"d"#, "ab cd"),
        ("k = one \\\n  two", "one   two"),
        ("k = \"one \\\ntwo\"", "one two"),
        ("k = x \\", "x "),
        ("k=ünïcödé ✓", "ünïcödé ✓"),
    ])
    func values(line: String, expected: String) throws {
        let config = try parse("[s]\n" + line + "\n")
        #expect(config.value(for: "s.k") == expected)
    }

    @Test func lastValueWinsAndEveryEntryIsKept() throws {
        var config = try parse("[a]\n\tb = one\n[a]\n\tB = two\n")
        #expect(config.value(for: "a.b") == "two")
        #expect(config.entries.map(\.value) == ["one", "two"])
        #expect(config.entries.map(\.line) == [2, 4])
        config.append(contentsOf: try parse("[a]\nb = three\n").entries)
        #expect(config.value(for: "a.b") == "three")
    }

    @Test func crlfByteOrderMarkCommentsAndBlankLines() throws {
        let text = "\u{FEFF}# top\r\n; also\r\n\r\n[core]   # header comment\r\n\teditor = vim\r\n"
        let config = try parse(text)
        #expect(config.entries.map(\.key) == ["core.editor"])
        #expect(config.value(for: "core.editor") == "vim")
    }

    @Test func includePathIsAnEntryAndIsNotFollowed() throws {
        let config = try parse("[include]\n\tpath = ~/.gitconfig.local\n")
        #expect(config.value(for: "include.path") == "~/.gitconfig.local")
        #expect(config.entries.count == 1)
    }

    /// The line numbers are the ones `git config --list` prints for the same text (checked for real below).
    @Test(arguments: [
        ("[core", 2),
        ("[a]\nk = \"abc\n", 2),
        ("[a \"b\n\"]\n", 1),
        ("[a]\n\nk = \\q\n", 3),
        ("[a]\n1k = v\n", 2),
        ("[a]\n\tb2 # c\n", 2),
        ("[]\nk = v\n", 1),
        ("[a b]\n", 1),
        ("[a]\nk v\n", 2),
    ])
    func badLinesAreRefusedWithGitsLineNumber(text: String, line: Int) {
        #expect(throws: GitConfigError.badLine(path: "/home/me/.gitconfig", line: line)) {
            try parse(text)
        }
    }

    @Test(arguments: [
        ("user.email", "user.email"),
        ("User.Email", "user.email"),
        ("remote.Origin.URL", "remote.Origin.url"),
        ("url.https://Example.com/a.b/.insteadOf", "url.https://Example.com/a.b/.insteadof"),
        ("branch.my branch.remote", "branch.my branch.remote"),
    ])
    func canonicalKeys(key: String, canonical: String) {
        #expect(GitConfigFile.canonicalKey(key) == canonical)
    }

    @Test(arguments: ["email", ".email", "user.", "user.1st", "us er.email", "user.e_mail", ""])
    func invalidKeys(key: String) {
        #expect(GitConfigFile.canonicalKey(key) == nil)
    }
}

// MARK: - git-config against real git

@Suite struct GitConfigRefreshTests {
    /// Values git writes with its own quoting; the in-process parser must read back what `git config --get` prints.
    static let values: [(String, String)] = [
        ("user.email", "me@example.com"),
        ("user.name", "Jane \"JD\" Doe"),
        ("core.editor", #"C:\Program Files\vim.exe"#),
        ("alias.lg", "log --graph # not a comment ; nor this"),
        ("alias.padded", "  leading and trailing  "),
        ("alias.tabbed", "a\tb"),
        ("alias.multi", "line one\nline two"),
        ("alias.trailingbackslash", #"ends with \"#),
        ("user.signingKey", "ünïcödé ✓ 日本"),
        ("remote.Origin.url", "https://example.com/Repo.git"),
        ("url.https://github.com/.insteadOf", "gh:"),
        (#"branch.we"ird\name.remote"#, "origin"),
        ("branch.my branch.merge", "refs/heads/my branch"),
        ("Core.AutoCRLF", "input"),
        ("empty.value", ""),
    ]

    @Test func readsBackExactlyWhatGitWrote() async throws {
        let home = try TemporaryHome()
        let global = home.path + "/custom/gitconfig"
        try FileManager.default.createDirectory(atPath: home.path + "/custom", withIntermediateDirectories: true)
        let environment = gitEnvironment(home, ["GIT_CONFIG_GLOBAL": global])
        for (key, value) in Self.values {
            try await run(["git", "config", "--global", key, value], environment: environment).check()
        }
        // A repeated key: git and tend both take the last one.
        try await run(["git", "config", "--global", "--add", "multi.value", "first"], environment: environment).check()
        try await run(["git", "config", "--global", "--add", "multi.value", "second"], environment: environment).check()

        let host = home.host(environment: ["GIT_CONFIG_GLOBAL": global])
        #expect(GitConfigResource.globalFiles(host: host) == [global])
        let config = try GitConfigResource.globalConfig(host: host)
        for key in Self.values.map(\.0) + ["multi.value"] {
            let printed = try await run(["git", "config", "--global", "--get", key], environment: environment).check()
            var expected = printed.output
            #expect(expected.hasSuffix("\n"))
            expected.removeLast()
            #expect(config.value(for: key) == expected, "\(key)")
        }
        #expect(config.value(for: "multi.value") == "second")
        #expect(config.value(for: "alias.padded") == "  leading and trailing  ")
    }

    /// Hand-written syntax that git accepts: `git config --list -z` and the parser agree on every entry.
    @Test(arguments: [
        "[User]\n\tName = Jane Doe\n[remote \"Origin\"]\n\tURL = https://example.com/a.git\n",
        "[Branch.Main]\n\tremote = origin\n[a]k=1\n[b]  j = 2 ; c\n",
        "[core]\n\tbare\n\tempty =\n",
        "[s]\nk = \"a \\\"q\\\" \\\\ b\\tc\\nd\"\nl = x\\by\n",
        "[s]\nk = v # comment\nl = v;comment\nm = \"v # not ; a comment\" # but this is\n",
        "[s]\nk =   x  \t y   \nl = \"  padded  \"  \nm = a\"b c\"d\n",
        "[s]\nk = one \\\n  two\nl = \"one \\\ntwo\"\nm = x \\",
        "\u{FEFF}# top\r\n; also\r\n\r\n[core]   # header comment\r\n\teditor = vim\r\n",
        "[sub \"we\\\"ird\\\\name\"]\n\tkey = v\n[a]\n\tb = one\n[A]\n\tB = two\n",
        "[ \"sub\"]\nk=1\nk2 = ünïcödé\n",
    ])
    func handWrittenSyntaxAgreesWithGit(text: String) async throws {
        let home = try TemporaryHome()
        let path = try home.write("gitconfig", text)
        let environment = gitEnvironment(home, ["GIT_CONFIG_GLOBAL": path])
        let listed = try await run(["git", "config", "--global", "--list", "-z"], environment: environment).check()
        let gitEntries = listed.output.split(separator: "\0", omittingEmptySubsequences: true).map { record in
            let parts = record.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count == 2 ? "\(parts[0])=\(parts[1])" : "\(parts[0]) (bare)"
        }
        let parsed = try GitConfigFile(parsing: text, path: path)
        let ours = parsed.entries.map { entry in entry.value.map { "\(entry.key)=\($0)" } ?? "\(entry.key) (bare)" }
        #expect(!ours.isEmpty)
        #expect(ours == gitEntries)
    }

    /// Text git refuses: git's message names the same line as the parser's error.
    @Test(arguments: [
        "[core", "[a]\nk = \"abc\n", "[a \"b\n\"]\n", "[a]\n\nk = \\q\n", "[a]\n1k = v\n", "[a]\n\tb2 # c\n",
        "[]\nk = v\n", "[a]\nk v\n",
    ])
    func badLinesAgreeWithGit(text: String) async throws {
        let home = try TemporaryHome()
        let path = try home.write("gitconfig", text)
        let environment = gitEnvironment(home, ["GIT_CONFIG_GLOBAL": path])
        let listed = try await run(["git", "config", "--global", "--list"], environment: environment)
        #expect(!listed.succeeded)
        var parsedLine: Int?
        do {
            _ = try GitConfigFile(parsing: text, path: path)
        } catch let GitConfigError.badLine(_, line) {
            parsedLine = line
        }
        let line = try #require(parsedLine)
        #expect(listed.errorOutput.contains("bad config line \(line) in file \(path)"), "\(listed.errorOutput)")
    }

    /// git commands read `$XDG_CONFIG_HOME/git/config` and then `~/.gitconfig`; refresh sees what they see.
    /// (`git config --global --get` in git 2.39 reads only `~/.gitconfig` when it exists, so this asks git
    /// without `--global`, outside any repository and without the system file.)
    @Test func homeGitconfigWinsOverTheXDGFile() async throws {
        let home = try TemporaryHome()
        try home.write(".config/git/config", "[user]\n\tname = From XDG\n\temail = xdg@example.com\n")
        try home.write(".gitconfig", "[user]\n\tname = From Home\n")
        try home.write("xdg/git/config", "[core]\n\teditor = nano\n[user]\n\temail = moved@example.com\n")
        let outside = ["GIT_CEILING_DIRECTORIES": PathNormalizer.directory(of: home.path)]

        for xdg in [nil, home.path + "/xdg"] {
            let extra = xdg.map { ["XDG_CONFIG_HOME": $0] } ?? [:]
            let host = home.host(environment: extra)
            let config = try GitConfigResource.globalConfig(host: host)
            for key in ["user.name", "user.email", "core.editor"] {
                let printed = try await run(["git", "config", "--get", key],
                                            environment: gitEnvironment(home, outside.merging(extra) { $1 }),
                                            directory: home.path)
                let expected = printed.succeeded ? String(printed.output.dropLast()) : nil
                #expect(config.value(for: key) == expected, "\(key) with XDG_CONFIG_HOME=\(xdg ?? "unset")")
            }
        }
        let config = try GitConfigResource.globalConfig(host: home.host())
        #expect(GitConfigResource.globalFiles(host: home.host())
                == [home.path + "/.config/git/config", home.path + "/.gitconfig"])
        #expect(config.value(for: "user.name") == "From Home")
        #expect(config.value(for: "user.email") == "xdg@example.com")

        // $GIT_CONFIG_GLOBAL replaces both files.
        let only = try home.write("only", "[user]\n\tname = Only\n")
        let onlyConfig = try GitConfigResource.globalConfig(host: home.host(environment: ["GIT_CONFIG_GLOBAL": only]))
        #expect(onlyConfig.value(for: "user.name") == "Only")
        #expect(onlyConfig.value(for: "user.email") == nil)
    }

    @Test func planSetsChangesAndUnsetsWithFriendlyMessages() async throws {
        let home = try TemporaryHome()
        try home.write(".gitconfig", """
            [user]
            \temail = me@example.com
            \tname = Old Name
            [pull]
            \trebase = true
            """)
        let config = try load("""
            tend: 1
            resources:
              - type: git-config
                key: user.email
                value: me@example.com
              - type: git-config
                key: User.Name
                value: New Name
              - type: git-config
                key: core.editor
                value: vim
              - type: git-config
                key: pull.rebase
                value: "true"
                ensure: absent
              - type: git-config
                key: init.defaultBranch
                value: main
                ensure: absent
            """, home: home)
        let host = home.host()
        let (plan, observations) = try await plan(config, type: GitConfigResource(), host: host)
        #expect(observations[try address("git-config:user.email", home)] == .present(["value": .string("me@example.com")]))
        #expect(observations[try address("git-config:core.editor", home)] == .absent("not set"))
        #expect(plan.changes.map(\.message).sorted() == [
            "Change git config User.Name from Old Name to New Name",
            "Set git config core.editor to vim",
            "Unset git config pull.rebase",
        ])
        #expect(plan.changes.first { $0.operation == .modify }?.parameters.map(\.before) == [.string("Old Name")])
        #expect(Set(plan.unchanged.map(\.key)) == ["user.email", "init.defaultBranch"])
    }

    @Test func aMalformedGlobalConfigFailsTheRefreshWithItsLine() async throws {
        let home = try TemporaryHome()
        let path = try home.write(".gitconfig", "[user]\n\temail = me@example.com\n\tname = \"unterminated\n")
        let config = try load("tend: 1\nresources:\n  - type: git-config\n    key: user.email\n    value: x\n", home: home)
        await #expect(throws: GitConfigError.badLine(path: path, line: 3)) {
            _ = try await GitConfigResource().refresh(config.resources, host: home.host())
        }
    }
}

// MARK: - git-clone against real repositories

@Suite struct GitCloneRefreshTests {
    static let url = "https://example.com/me/dotfiles.git"

    /// `git init` + `git remote add origin` + `git checkout -b dev`, in `HOME/relative`.
    func makeRepository(_ home: TemporaryHome, _ relative: String, url: String = url) async throws -> String {
        let directory = home.path + "/" + relative
        let environment = gitEnvironment(home)
        try await run(["git", "init", "-q", "-b", "main", directory], environment: environment).check()
        try await run(["git", "-C", directory, "remote", "add", "origin", url], environment: environment).check()
        try await run(["git", "-C", directory, "checkout", "-q", "-b", "dev"], environment: environment).check()
        return directory
    }

    @Test func readsOriginAndBranchOfARealRepository() async throws {
        let home = try TemporaryHome()
        let directory = try await makeRepository(home, "src/dotfiles")
        let observation = GitCloneResource.inspect(directory: directory, files: FileSystem())
        #expect(observation == .present(["repository": .string(Self.url), "branch": .string("dev")]))
    }

    @Test func detachedHeadAndWorktreesAreRead() async throws {
        let home = try TemporaryHome()
        let directory = try await makeRepository(home, "src/repo")
        let environment = gitEnvironment(home)
        let identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
        try await run(["git", "-C", directory] + identity + ["commit", "-q", "--allow-empty", "-m", "first"],
                      environment: environment).check()
        try await run(["git", "-C", directory, "worktree", "add", "-q", "-b", "feature", home.path + "/src/wt"],
                      environment: environment).check()
        try await run(["git", "-C", directory, "checkout", "-q", "--detach"], environment: environment).check()
        let commit = try await run(["git", "-C", directory, "rev-parse", "HEAD"], environment: environment).check()
            .output.trimmingCharacters(in: .whitespacesAndNewlines)

        let detached = GitCloneResource.inspect(directory: directory, files: FileSystem())
        #expect(detached.parameters["branch"] == .string(commit))
        #expect(detached.parameters["repository"] == .string(Self.url))

        // A worktree has a `.git` file pointing into the main repository, whose config holds the remote.
        let worktree = GitCloneResource.inspect(directory: home.path + "/src/wt", files: FileSystem())
        #expect(worktree == .present(["repository": .string(Self.url), "branch": .string("feature")]))
    }

    @Test func planClonesSwitchesRecloneAndRefusesToTreatOtherDirectoriesAsClones() async throws {
        let home = try TemporaryHome()
        _ = try await makeRepository(home, "src/same")
        _ = try await makeRepository(home, "src/branch")
        _ = try await makeRepository(home, "src/moved", url: "https://example.com/old.git")
        try home.write("src/plain/notes.txt", "mine\n")
        try FileManager.default.createDirectory(atPath: home.path + "/src/empty", withIntermediateDirectories: true)
        let config = try load("""
            tend: 1
            resources:
              - type: git-clone
                repository: \(Self.url)
                directory: ~/src/same
                branch: dev
              - type: git-clone
                repository: \(Self.url)
                directory: ~/src/branch
                branch: main
              - type: git-clone
                repository: https://example.com/new.git
                directory: ~/src/moved
              - type: git-clone
                repository: \(Self.url)
                directory: ~/src/missing
              - type: git-clone
                repository: \(Self.url)
                directory: ~/src/plain
              - type: git-clone
                repository: \(Self.url)
                directory: ~/src/empty
            """, home: home)
        let (plan, observations) = try await plan(config, type: GitCloneResource(), host: home.host())
        let byKey = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.address.key, $0) })
        #expect(plan.unchanged.map(\.key) == ["~/src/same"])
        #expect(byKey["~/src/branch"]?.operation == .modify)
        #expect(byKey["~/src/branch"]?.message == "Switch ~/src/branch to branch main")
        #expect(byKey["~/src/branch"]?.parameters.map(\.before) == [.string("dev")])
        #expect(byKey["~/src/moved"]?.operation == .recreate)
        #expect(byKey["~/src/moved"]?.message
                == "Re-clone ~/src/moved from https://example.com/new.git (repository changed)")
        #expect(byKey["~/src/missing"]?.operation == .create)
        #expect(byKey["~/src/missing"]?.message == "Clone \(Self.url) into ~/src/missing")
        #expect(byKey["~/src/missing"]?.reason == "does not exist")
        #expect(byKey["~/src/plain"]?.operation == .recreate)
        #expect(byKey["~/src/plain"]?.reason.hasPrefix("exists but is not a git repository") == true)
        #expect(byKey["~/src/plain"]?.message
                == "Replace ~/src/plain with a clone of \(Self.url) (exists but is not a git repository)")
        #expect(observations[try address("git-clone:~/src/plain", home)]?.parameters["repository"]
                == .string(GitCloneResource.notARepository))
        #expect(byKey["~/src/empty"]?.operation == .create)
        #expect(byKey["~/src/empty"]?.reason == "is an empty directory")
    }

    @Test(arguments: [
        ("ref: refs/heads/main\n", "main"),
        ("ref: refs/heads/feature/x", "feature/x"),
        ("ref: refs/remotes/origin/main\n", "refs/remotes/origin/main"),
        ("0123456789abcdef0123456789abcdef01234567\n", "0123456789abcdef0123456789abcdef01234567"),
    ])
    func headNamesTheBranch(head: String, branch: String) async throws {
        let home = try TemporaryHome()
        try home.write("repo/.git/HEAD", head)
        try home.write("repo/.git/config", "[remote \"origin\"]\n\turl = \(Self.url)\n")
        let observation = GitCloneResource.inspect(directory: home.path + "/repo", files: FileSystem())
        #expect(observation == .present(["repository": .string(Self.url), "branch": .string(branch)]))
    }

    @Test func aFileWhereTheCloneShouldBeIsNotAClone() throws {
        let home = try TemporaryHome()
        let path = try home.write("src/file", "x")
        let observation = GitCloneResource.inspect(directory: path, files: FileSystem())
        #expect(observation == .present(["repository": .string(GitCloneResource.notARepository)],
                                        note: "exists and is not a directory"))
    }
}
