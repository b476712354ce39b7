import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// Values apply would refuse are refused before apply: by the loader (`validate`) where the value is known
/// when the config is read, by the planner where it waits for `${outputs...}` or only the host shows it.
/// The recorded diagnostics of whole configs are fixtures (`bad-names`, `special-env-names`, `missing-source`);
/// these tests cover what a fixture cannot: the argv builders, real pip, and the plan's checks.
@Suite struct BadValueTests {
    func diagnostics(_ text: String) -> [String] {
        fixedLoader().load(text: text, path: "tend.yaml").diagnostics.map { "\($0.location.map { "\($0): " } ?? "")\($0.message)" }
    }

    // MARK: Names, by the function apply refuses them with

    @Test(arguments: [
        ("httpie", nil), ("httpie[socks]", nil), ("zope.interface", nil), ("Tend_No.Such-Pkg", nil), ("a", nil),
        ("requests[security, socks]", nil),
        ("--log=/tmp/x", "pip name '--log=/tmp/x' starts with '-', which pip would read as an option"),
        ("-e/path", "pip name '-e/path' starts with '-', which pip would read as an option"),
        ("./project", "pip name './project' looks like a path; tend installs by name from the package index"),
        ("/abs/project", "pip name '/abs/project' looks like a path; tend installs by name from the package index"),
        ("git+https://x.org/y.git", "pip name 'git+https://x.org/y.git' is a URL or a direct reference; tend installs by name from the package index"),
        ("pkg @ https://x.org/p.whl", "pip name 'pkg @ https://x.org/p.whl' is a URL or a direct reference; tend installs by name from the package index"),
        ("black>=23", "pip name 'black>=23' carries a version; give only the name"),
        ("six; python_version<'3'", "pip name 'six; python_version<'3'' has an environment marker; tend does not install conditionally"),
        ("bad name", "pip name 'bad name' is not a Python package name"),
        ("trailing-", "pip name 'trailing-' is not a Python package name"),
        ("x[", "pip name 'x[' is not a Python package name"),
        ("", "pip name '' is not a Python package name"),
    ] as [(String, String?)])
    func pythonRequirementNames(name: String, problem: String?) {
        #expect(PythonRequirement.problem(name, type: "pip")?.message == problem)
    }

    @Test func aBadPythonNameFailsOnlyItsOwnResourceAndReachesNoCommand() async throws {
        let marker = NSTemporaryDirectory() + "tend-pip-log-\(UUID().uuidString)"
        let requests = try Self.requests(type: PipPackage(), yaml: """
            tend: 1
            resources:
              - type: pip
                packages: ["--log=\(marker)", six]
            """)
        let runner = ScriptedProcessRunner([
            .init(matching: { $0.contains("install") }),
            .init(matching: { $0.contains("list") }, stdout: #"[{"name": "six", "version": "1.16.0"}]"#),
        ])
        let outcomes = await PipPackage().apply(requests, context: ApplyContext(
            host: Machine(facts: fixedHost, runner: runner, isRoot: false), backups: nil))
        #expect(runner.commands.map(\.arguments).filter { $0.contains("install") } == [
            ["python3", "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--", "six"],
        ])
        let bad = try #require(outcomes.first { $0.key.key.hasPrefix("--log") }?.value)
        guard case .failure(let failure) = bad else { Issue.record("the hostile name was applied"); return }
        #expect(failure.message.hasPrefix("pip name '--log=\(marker)' starts with '-'"))
        #expect(outcomes.values.filter { if case .success = $0 { return true } else { return false } }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    /// Apply removes a profile entry by name without checking it, so validate lets `ensure: absent` clean up a
    /// name it would not write; a package name is checked either way, since its removal runs a command.
    @Test func aNameThatIsOnlyRemovedIsCheckedOnlyWhenItReachesACommand() {
        #expect(diagnostics("""
            tend: 1
            resources:
              - type: env
                name: USERNAME
                ensure: absent
              - type: alias
                name: bad alias
                ensure: absent
            """).isEmpty)
        #expect(diagnostics("""
            tend: 1
            resources:
              - type: pip
                name: --log=/tmp/x
                ensure: absent
            """) == ["tend.yaml:4:11: pip name '--log=/tmp/x' starts with '-', which pip would read as an option"])
    }

    // MARK: argv builders: `--` before values

    @Test func pipAndPipxPutDoubleDashBeforeEveryRequirement() {
        #expect(PipPackage.installArguments(["--log=/tmp/x", "six"], scope: .init(python: "python3", user: true)) == [
            "python3", "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--user", "--",
            "--log=/tmp/x", "six",
        ])
        #expect(PipPackage.uninstallArguments(["-e/path"], python: "/venv/bin/python") == [
            "/venv/bin/python", "-m", "pip", "uninstall", "-y", "--disable-pip-version-check", "--", "-e/path",
        ])
        #expect(PipxPackage.installArguments(["-e/path"], force: true, python: "python3.11") == [
            "pipx", "install", "--force", "--python", "python3.11", "--", "-e/path",
        ])
        #expect(AptPackage.installCommand(["-x"], allowDowngrades: false, timeout: nil).arguments.suffix(2) == ["--", "-x"])
    }

    /// pip itself reads everything after `--` as a requirement: the hostile name is refused by pip as an invalid
    /// requirement, before any network access, and no log file appears.
    @Test func realPipReadsAnOptionAfterDoubleDashAsARequirement() async throws {
        let marker = NSTemporaryDirectory() + "tend-pip-log-\(UUID().uuidString)"
        let runner = SystemProcessRunner(baseEnvironment: ProcessInfo.processInfo.environment, useSudo: false)
        let argv = PipPackage.installArguments(["--log=\(marker)"], scope: .init(python: "python3", user: false))
        let result: CommandResult
        do {
            result = try await runner.run(Command(argv, timeout: 120))
        } catch CommandError.launchFailed {
            Issue.record("python3 is not installed; CI has it, so this test needs it")
            return
        }
        #expect(!result.succeeded)
        #expect((result.output + result.errorOutput).contains("Invalid requirement: '--log=\(marker)'"),
                "\(result.output)\(result.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: marker), "pip read the name as its --log option")
    }

    @Test func brewRefusesANameThatLooksLikeAnOption() {
        #expect(BrewPackage.nameProblem("ripgrep") == nil)
        #expect(BrewPackage.nameProblem("hashicorp/tap/terraform") == nil)
        #expect(BrewPackage.nameProblem("python@3.12") == nil)
        #expect(BrewPackage.nameProblem("--force")?.hasPrefix("'--force' is not a Homebrew formula or cask name") == true)
        #expect(BrewPackage.nameProblem("../x") != nil)
        #expect(BrewPackage.nameProblem("a/b") != nil)
    }

    @Test func gitArgumentsEndOptionsBeforeTheValuesAndBrewRefusesOptionLikeNames() {
        #expect(ArgumentSafety.git(["clone", "--depth", "1"], operands: ["-uevil", "-dir"])
                == ["git", "clone", "--depth", "1", "--", "-uevil", "-dir"])
        #expect(ArgumentSafety.brew("brew", ["install"], names: ["ripgrep", "-v"]) == nil)
        #expect(ArgumentSafety.brew("brew", ["install", "--cask"], names: ["firefox"]) == ["brew", "install", "--cask", "firefox"])
    }

    /// The alias names validate lets through are ones each shell takes: bash and zsh as aliases, fish as
    /// functions (fish's reserved words aside, which tend leaves out of the fish profile).
    @Test(arguments: ["gs", "a.b", "a:b", "a+b", "a-b", "1x", "_x", "x-"])
    func aliasNamesValidateAcceptsWorkInBashZshAndFish(name: String) async throws {
        #expect(ShellProfile.problem(alias: name, value: "echo ok") == nil)
        let runner = SystemProcessRunner(baseEnvironment: ProcessInfo.processInfo.environment, useSudo: false)
        let scripts: [(String, String)] = [
            ("bash", "shopt -s expand_aliases\nalias \(name)='echo ok'\neval \(name)\n"),
            ("zsh", "alias \(name)='echo ok'\neval \(name)\n"),
            ("fish", "function \(name); echo ok; end; \(name)\n"),
        ]
        for (shell, script) in scripts {
            do {
                let result = try await runner.run(Command([shell, "-c", script], timeout: 60))
                #expect(result.output == "ok\n", "\(shell) did not take alias \(name): \(result.errorOutput)")
            } catch CommandError.launchFailed {
                Issue.record("\(shell) is not installed; CI has it, so this test needs it")
            }
        }
    }

    /// The branch check agrees with git's own (`git check-ref-format --branch`) on names a config might hold.
    /// ("@" is left out: git reads it as "the current branch", which a config cannot mean; tend refuses it.)
    @Test(arguments: ["main", "feature/x-1", "release-1.2", "v1.0_rc", "é", "-f", "a b", "a..b", "x.lock", ".hidden",
                      "a/", "a@{b", "a//b", "a~b", "a/.b", "x.", "a:b", "a\tb"])
    func branchNamesAsGitReadsThem(branch: String) async throws {
        let runner = SystemProcessRunner(baseEnvironment: ProcessInfo.processInfo.environment, useSudo: false)
        let git = try await runner.run(Command(["git", "check-ref-format", "--branch", branch], timeout: 60))
        #expect((BuiltinChecks.branchProblem(branch) == nil) == git.succeeded,
                "tend says \(BuiltinChecks.branchProblem(branch) ?? "fine"), git exited \(git.status)")
    }

    // MARK: The plan's checks

    @Test func aDirectoryWithFilesWhereAFileGoesIsAPlanErrorNotAChange() async throws {
        let home = try TemporaryHome(prefix: "tend-bad-values")
        try home.write("full/keep.txt", "mine\n")
        try home.write("linked/keep.txt", "mine\n")
        try home.write("afile", "mine\n")
        try FileManager.default.createDirectory(atPath: home.path + "/empty", withIntermediateDirectories: false)
        #expect(mkfifo(home.path + "/fifo", 0o600) == 0)
        let host = home.host()
        let result = ConfigLoader(catalog: BuiltinSchemas.catalog, host: host.facts, workingDirectory: home.path)
            .load(text: """
                tend: 1
                resources:
                  - type: file
                    path: ~/full
                    content: "x\\n"
                  - type: symlink
                    path: ~/linked
                    target: ~/full
                  - type: directory
                    path: ~/afile
                  - type: file
                    path: ~/empty
                    content: "y\\n"
                  - type: file
                    path: ~/fifo
                    content: "z\\n"
                """, path: "tend.yaml")
        let config = try #require(result.config, "\(rendered(result))")
        let planned = try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config)
        #expect(planned.problems.map { "\($0.location.map(\.description) ?? ""): \($0.message)" } == [
            "tend.yaml:4:11: ~/full is a directory; tend will not replace it with a file",
            "tend.yaml:7:11: ~/linked is a directory with files in it; tend will not replace it with a link",
            "tend.yaml:10:11: ~/afile is a regular file; tend will not replace it with a directory",
            "tend.yaml:15:11: ~/fifo is a FIFO; tend will not replace it with a file",
        ])
        #expect(throws: PlanProblems.self) { try planned.refusingProblems() }
        #expect(FileManager.default.fileExists(atPath: home.path + "/full/keep.txt"))
    }

    @Test func aDirectoryThatIsNotAClonePlansNoReplaceThatApplyWouldRefuse() async throws {
        let home = try TemporaryHome(prefix: "tend-bad-values")
        try home.write("src/app/notes.txt", "mine\n")
        let host = home.host()
        let result = ConfigLoader(catalog: BuiltinSchemas.catalog, host: host.facts, workingDirectory: home.path)
            .load(text: """
                tend: 1
                resources:
                  - type: git-clone
                    repository: https://example.com/me/app.git
                    directory: ~/src/app
                """, path: "tend.yaml")
        let config = try #require(result.config, "\(rendered(result))")
        let planned = try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config)
        #expect(planned.problems.map { "\($0.location.map(\.description) ?? ""): \($0.message)" } == [
            "tend.yaml:5:16: ~/src/app exists but is not a git repository; tend never replaces or deletes what it did not clone",
        ])
        #expect(FileManager.default.fileExists(atPath: home.path + "/src/app/notes.txt"))
    }

    @Test func aValueFilledFromStoredOutputsIsCheckedAtPlan() async throws {
        let home = try TemporaryHome(prefix: "tend-bad-values")
        let host = home.host()
        let result = ConfigLoader(catalog: BuiltinSchemas.catalog, host: host.facts, workingDirectory: home.path)
            .load(text: """
                tend: 1
                resources:
                  - type: script
                    id: build
                    check: "true"
                    create: "true"
                  - type: file
                    path: ~/built.conf
                    source: ${outputs.script:build.file}
                """, path: "tend.yaml")
        let config = try #require(result.config, "validate cannot know the output yet: \(rendered(result))")
        let store = InMemoryStateStore()
        try store.saveManagedResource(ManagedResource(
            address: Address(type: "script", key: "build"), type: "script", parameters: [:],
            outputs: ["file": .string(home.path + "/nowhere.conf")], createdByTend: true, configPaths: [config.rootPath]))
        let planned = try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config, state: store)
        #expect(planned.problems.map { "\($0.location.map(\.description) ?? ""): \($0.message)" } == [
            "tend.yaml:9:13: source ~/nowhere.conf of file:~/built.conf does not exist",
        ])
    }

    // MARK: Helpers

    static func requests(type: any ResourceType, yaml: String) throws -> [ChangeRequest] {
        let result = ConfigLoader(catalog: uncheckedCatalog, host: fixedHost, workingDirectory: "/work")
            .load(text: yaml, path: "tend.yaml")
        let config = try #require(result.config, "\(rendered(result))")
        let observed = Dictionary(config.resources.map { ($0.address, Observation.absent("not installed")) },
                                  uniquingKeysWith: { first, _ in first })
        let plan = Planner(registry: TypeRegistry([type]), home: fixedHost.home)
            .plan(config: config, resources: config.resources, observations: observed)
        let specs = Dictionary(config.resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        return plan.changes.map { ChangeRequest(change: $0, resource: specs[$0.address]!, observation: observed[$0.address]!) }
    }
}
