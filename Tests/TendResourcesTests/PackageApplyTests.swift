import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// Apply of the package types: what each runs (batching, version pins, retry classification) against a
/// scripted runner, and apt, pip and pipx for real through the engine and executor. Homebrew cannot be
/// installed on this machine, so brew is tested only against scripted output in brew's own wording.
/// Serialized: the real apt tests share the dpkg lock; each installs only packages absent when it starts.
@Suite(.serialized) struct PackageApplyTests {
    // MARK: - Helpers

    static func load(_ yaml: String, host: HostFacts = fixedHost, workingDirectory: String = "/work",
                     catalog: SchemaCatalog = BuiltinSchemas.catalog) throws -> Config {
        let result = ConfigLoader(catalog: catalog, host: host, workingDirectory: workingDirectory)
            .load(text: yaml, path: "tend.yaml")
        #expect(!result.hasErrors, "\(rendered(result))")
        return try #require(result.config)
    }

    /// The change requests the planner makes for `yaml` given observations (absent when not given).
    static func requests(_ yaml: String, type: any ResourceType, observations: [String: Observation] = [:],
                         catalog: SchemaCatalog = BuiltinSchemas.catalog) throws -> [ChangeRequest] {
        let config = try load(yaml, catalog: catalog)
        var observed: [Address: Observation] = [:]
        for resource in config.resources {
            observed[resource.address] = observations[resource.address.description] ?? .absent("not installed")
        }
        let plan = Planner(registry: TypeRegistry([type]), home: fixedHost.home)
            .plan(config: config, resources: config.resources, observations: observed)
        let specs = Dictionary(config.resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        return plan.changes.map {
            ChangeRequest(change: $0, resource: specs[$0.address]!, observation: observed[$0.address]!)
        }
    }

    static func context(_ runner: any ProcessRunner) -> ApplyContext {
        ApplyContext(host: Machine(facts: scriptedDpkgHost, runner: runner, isRoot: true), backups: nil)
    }

    static func address(_ text: String) -> Address {
        Address(parsing: text, home: fixedHost.home)!
    }

    static func failure(_ outcomes: ChangeOutcomes, _ address: String) -> ApplyFailure? {
        if case .failure(let failure)? = outcomes[Self.address(address)] { return failure }
        return nil
    }

    static func outputs(_ outcomes: ChangeOutcomes, _ address: String) -> [String: Value]? {
        if case .success(let result)? = outcomes[Self.address(address)] { return result.outputs }
        return nil
    }

    static func isInstall(_ arguments: [String]) -> Bool { arguments.starts(with: ["apt-get", "install"]) }

    static let aptInstallPrefix = [
        "apt-get", "install", "-y", "-q", "--no-install-recommends",
        "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold",
    ]

    // MARK: - apt, scripted

    @Test func aptInstallsABatchInOneCallWithPinsResolved() async throws {
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: apt
            packages: [hello, sl]
          - type: apt
            id: hello-again
            name: hello
          - type: apt
            name: postgresql-client
            version: "15.*"
          - type: apt
            name: libc6:i386
            version: "2.36"
        """, type: AptPackage(), observations: ["apt:postgresql-client": .present(["version": .string("14.0-1")])])
        #expect(requests.map(\.operation) == [.create, .create, .create, .modify, .create])

        // Newest first, as apt prints it; source lines and other architectures do not count.
        let madison = """
         postgresql-client | 16.2-1 | http://deb.debian.org/debian trixie/main amd64 Packages
         postgresql-client | 15.8-0+deb12u1 | http://deb.debian.org/debian bookworm/main amd64 Packages
         postgresql-client | 15.6-0+deb12u1 | http://deb.debian.org/debian bookworm/main amd64 Packages
         postgresql-client | 15.9-1 | http://deb.debian.org/debian bookworm/main Sources
             libc6 | 2.36-9+deb12u9 | http://deb.debian.org/debian bookworm/main amd64 Packages
             libc6 | 2.36-9+deb12u8 | http://deb.debian.org/debian bookworm/main i386 Packages
        """
        let runner = ScriptedProcessRunner([
            .init(prefix: ["apt-cache", "madison"], stdout: madison),
            .init(prefix: ["apt-get", "install"], stdout: "Setting up hello (2.10-3) ...\n"),
            .init(prefix: ["dpkg-query"], stdout: """
            hello\tamd64\tinstall ok installed\t2.10-3
            sl\tamd64\tinstall ok installed\t5.02-1+b1
            postgresql-client\tall\tinstall ok installed\t15.8-0+deb12u1
            libc6\ti386\tinstall ok installed\t2.36-9+deb12u8

            """),
        ])
        let outcomes = await AptPackage().apply(requests, context: Self.context(runner))

        let commands = runner.commands
        #expect(commands.map { Array($0.arguments.prefix(2)) } == [
            ["apt-cache", "madison"], ["apt-get", "install"], ["dpkg-query", "-W"],
        ])
        #expect(commands[0].arguments == ["apt-cache", "madison", "--", "postgresql-client", "libc6:i386"])
        #expect(commands[0].privileged == false)
        let install = commands[1]
        #expect(install.arguments == Self.aptInstallPrefix + [
            "--allow-downgrades", "--", "hello", "sl", "postgresql-client=15.8-0+deb12u1", "libc6:i386=2.36-9+deb12u8",
        ])
        #expect(install.environment == ["DEBIAN_FRONTEND": "noninteractive"])
        #expect(install.privileged)
        #expect(Self.outputs(outcomes, "apt:hello") == ["version": .string("2.10-3")])
        #expect(Self.outputs(outcomes, "apt:hello-again") == ["version": .string("2.10-3")])
        #expect(Self.outputs(outcomes, "apt:postgresql-client") == ["version": .string("15.8-0+deb12u1")])
        #expect(Self.outputs(outcomes, "apt:libc6:i386") == ["version": .string("2.36-9+deb12u8")])
        #expect(outcomes.count == requests.count)
    }

    @Test func aptTypeDeclaresItsBatchLockAndPrivilege() throws {
        let apt = AptPackage()
        #expect(apt.batchSize >= 50)
        #expect(apt.lockGroup == "dpkg")
        let request = try #require(try Self.requests("tend: 1\nresources:\n  - type: apt\n    name: hello\n",
                                                     type: apt).first)
        #expect(apt.needsPrivilege(request, host: Self.context(ScriptedProcessRunner()).host))
        #expect(BrewPackage().lockGroup == "brew")
        #expect(!BrewPackage().needsPrivilege(request, host: Self.context(ScriptedProcessRunner()).host))
    }

    @Test func aptUnknownPackageGetsOneUpdateThenFailsAlone() async throws {
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: apt
            packages: [tend-no-such-pkg-xyz, cowsay]
        """, type: AptPackage())
        let runner = ScriptedProcessRunner([
            .init(matching: { Self.isInstall($0) && $0.contains("tend-no-such-pkg-xyz") }, status: 100,
                  stdout: "Reading package lists...\nBuilding dependency tree...\n",
                  stderr: "E: Unable to locate package tend-no-such-pkg-xyz\n"),
            .init(matching: Self.isInstall, stdout: "Setting up cowsay (3.03+dfsg2-8) ...\n"),
            .init(prefix: ["apt-get", "update"], stdout: "Reading package lists... Done\n"),
            .init(prefix: ["dpkg-query"], stdout: "cowsay\tall\tinstall ok installed\t3.03+dfsg2-8\n"),
        ])
        let outcomes = await AptPackage().apply(requests, context: Self.context(runner))

        let installs = runner.commands.filter { Self.isInstall($0.arguments) }
        #expect(installs.map { Array($0.arguments.suffix(from: Self.aptInstallPrefix.count)) } == [
            ["--", "tend-no-such-pkg-xyz", "cowsay"], ["--", "tend-no-such-pkg-xyz", "cowsay"], ["--", "cowsay"],
        ])
        let updates = runner.commands.filter { $0.arguments.starts(with: ["apt-get", "update"]) }
        #expect(updates.map(\.arguments) == [["apt-get", "update", "-q"]])
        #expect(updates.first?.privileged == true)
        let failure = try #require(Self.failure(outcomes, "apt:tend-no-such-pkg-xyz"))
        #expect(failure.message == "no package named 'tend-no-such-pkg-xyz' in the apt sources (after apt-get update)")
        #expect(!failure.retryable)
        #expect(Self.outputs(outcomes, "apt:cowsay") == ["version": .string("3.03+dfsg2-8")])
    }

    @Test func aptUpdateFindsAPackageTheOldListsLacked() async throws {
        let requests = try Self.requests("tend: 1\nresources:\n  - type: apt\n    packages: [ripgrep, jq]\n",
                                         type: AptPackage())
        let runner = ScriptedProcessRunner([
            .init(matching: Self.isInstall, status: 100,
                  stderr: "E: Package 'ripgrep' has no installation candidate\n", repeats: false),
            .init(matching: Self.isInstall),
            .init(prefix: ["apt-get", "update"]),
            .init(prefix: ["dpkg-query"], stdout: "ripgrep\tamd64\tinstall ok installed\t13.0.0-4\njq\tamd64\tinstall ok installed\t1.6-2.1\n"),
        ])
        let outcomes = await AptPackage().apply(requests, context: Self.context(runner))
        #expect(runner.commands.map { $0.arguments[1] } == ["install", "update", "install", "-W"])
        #expect(Self.outputs(outcomes, "apt:ripgrep") == ["version": .string("13.0.0-4")])
        #expect(Self.outputs(outcomes, "apt:jq") == ["version": .string("1.6-2.1")])
    }

    @Test func aptPinWithoutAMatchingVersionFailsAloneAfterOneUpdate() async throws {
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: apt
            name: hello
            version: "9.*"
          - type: apt
            name: sl
        """, type: AptPackage())
        let runner = ScriptedProcessRunner([
            .init(prefix: ["apt-cache", "madison"],
                  stdout: "     hello |     2.10-3 | http://deb.debian.org/debian bookworm/main amd64 Packages\n"),
            .init(prefix: ["apt-get", "update"]),
            .init(matching: Self.isInstall),
            .init(prefix: ["dpkg-query"], stdout: "sl\tamd64\tinstall ok installed\t5.02-1+b1\n"),
        ])
        let outcomes = await AptPackage().apply(requests, context: Self.context(runner))
        #expect(runner.commands.map { $0.arguments[1] } == ["madison", "update", "madison", "install", "-W"])
        #expect(runner.commands[3].arguments == Self.aptInstallPrefix + ["--", "sl"])
        #expect(Self.failure(outcomes, "apt:hello")?.message
            == "no version of 'hello' matching '9.*' in the apt sources (available: 2.10-3) (after apt-get update)")
        #expect(Self.outputs(outcomes, "apt:sl") == ["version": .string("5.02-1+b1")])
    }

    @Test(arguments: [
        "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 9919 (unattended-upgr)\n"
            + "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n",
        "E: Failed to fetch http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb  "
            + "Temporary failure resolving 'deb.debian.org'\n",
    ])
    func aptLockAndNetworkFailuresAreRetryable(stderr: String) async throws {
        let requests = try Self.requests("tend: 1\nresources:\n  - type: apt\n    packages: [hello, sl]\n",
                                         type: AptPackage())
        let runner = ScriptedProcessRunner([.init(matching: Self.isInstall, status: 100, stderr: stderr)])
        let outcomes = await AptPackage().apply(requests, context: Self.context(runner))
        #expect(runner.commands.count == 1)  // no update: it would not help
        for address in ["apt:hello", "apt:sl"] {
            let failure = try #require(Self.failure(outcomes, address))
            #expect(failure.retryable)
            #expect(failure.message.contains("apt-get install"))
            #expect(failure.message.contains(stderr.split(separator: "\n").last.map(String.init) ?? ""))
        }
    }

    @Test func aptOtherFailuresAreUnrecoverableAndNameTheCommand() async throws {
        let requests = try Self.requests("tend: 1\nresources:\n  - type: apt\n    name: hello\n", type: AptPackage())
        let runner = ScriptedProcessRunner([
            .init(matching: Self.isInstall, status: 100,
                  stderr: "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.\n"),
        ])
        let failure = try #require(Self.failure(await AptPackage().apply(requests, context: Self.context(runner)),
                                                "apt:hello"))
        #expect(!failure.retryable)
        #expect(failure.message.hasPrefix("apt-get could not install hello: `DEBIAN_FRONTEND=noninteractive apt-get install"))
        #expect(failure.message.hasSuffix("dpkg --configure -a' to correct the problem."))
    }

    @Test func aptRemovesABatchInOneCallAfterASimulation() async throws {
        let installed: Observation = .present(["version": .string("1.0")])
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: apt
            packages: [hello, sl, tend-gone-meanwhile]
            ensure: absent
        """, type: AptPackage(), observations: [
            "apt:hello": installed, "apt:sl": installed, "apt:tend-gone-meanwhile": installed,
        ])
        #expect(requests.map(\.operation) == [.destroy, .destroy, .destroy])
        let runner = ScriptedProcessRunner([
            .init(matching: { $0.contains("-s") && $0.contains("tend-gone-meanwhile") }, status: 100,
                  stderr: "E: Unable to locate package tend-gone-meanwhile\n"),
            .init(matching: { $0.contains("-s") },
                  stdout: "Remv hello [2.10-3]\nRemv sl [5.02-1+b1]\n"),
            .init(prefix: ["apt-get", "remove", "-y"]),
        ])
        let outcomes = await AptPackage().apply(requests, context: Self.context(runner))
        // The plan orders destroys in reverse; the calls take them in that order.
        let calls = runner.commands.map { (Array($0.arguments.prefix(5)), Set($0.arguments.dropFirst(5))) }
        #expect(calls.map(\.0) == [["apt-get", "remove", "-s", "-q", "--"], ["apt-get", "remove", "-s", "-q", "--"],
                                   ["apt-get", "remove", "-y", "-q", "--"]])
        #expect(calls.map(\.1) == [["hello", "sl", "tend-gone-meanwhile"], ["hello", "sl"], ["hello", "sl"]])
        #expect(runner.commands[2].privileged && !runner.commands[0].privileged)
        #expect(runner.commands[2].environment == ["DEBIAN_FRONTEND": "noninteractive"])
        #expect(outcomes.values.allSatisfy { if case .success = $0 { return true } else { return false } })
        #expect(outcomes.count == 3)
    }

    @Test func aptRefusesARemovalThatTakesOtherPackagesAlong() async throws {
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: apt
            name: libcurl4
            ensure: absent
        """, type: AptPackage(), observations: ["apt:libcurl4": .present(["version": .string("7.88.1")])])
        let runner = ScriptedProcessRunner([
            .init(prefix: ["apt-get", "remove", "-s"],
                  stdout: "Remv curl [7.88.1-10+deb12u14]\nRemv libcurl4 [7.88.1-10+deb12u14]\n"),
        ])
        let outcomes = await AptPackage().apply(requests, context: Self.context(runner))
        #expect(runner.commands.count == 1)  // never the real removal
        let failure = try #require(Self.failure(outcomes, "apt:libcurl4"))
        #expect(failure.message.hasPrefix("removing libcurl4 would also remove curl, which depend on it"))
        #expect(!failure.retryable)
    }

    /// Behind validate, which refuses these names first (`BadValueTests`).
    @Test func aptNeverPassesAPatternOrOptionToAptGet() async throws {
        let requests = try Self.requests("tend: 1\nresources:\n  - type: apt\n    packages: [\"lib*\", \"-x\"]\n",
                                         type: AptPackage(), catalog: uncheckedCatalog)
        let runner = ScriptedProcessRunner()
        let outcomes = await AptPackage().apply(requests, context: Self.context(runner))
        #expect(runner.commands.isEmpty)
        #expect(Self.failure(outcomes, "apt:lib*")?.message.hasPrefix("'lib*' is not a Debian package name") == true)
        #expect(outcomes.count == 2)
    }

    @Test func aptMessagesAreRead() {
        #expect(AptPackage.unknownPackages(in: """
        E: Unable to locate package tend-a
        E: Package 'tend-b' has no installation candidate
        E: Version '9.9' for 'tend-c' was not found
        E: Couldn't find any package by glob 'tend-d'
        E: Couldn't find any package by regex 'tend.e'
        E: Unable to locate package tend-a
        """) == ["tend-a", "tend-b", "tend-c", "tend-d", "tend.e"])
        #expect(AptPackage.isLockHeld("E: Could not get lock /var/lib/apt/lists/lock. It is held by process 10046 (apt-get)"))
        #expect(!AptPackage.isLockHeld("E: Unable to locate package lock"))
        #expect(AptPackage.isStaleIndex("E: Failed to fetch http://deb.debian.org/x.deb  404  Not Found [IP: 1.2.3.4 80]"))
        #expect(AptPackage.simulatedRemovals("NOTE: simulation\nRemv bash [5.2]\nInst x\nRemv libc6:i386 [2.36]\n")
            == ["bash", "libc6:i386"])
    }

    // MARK: - brew, scripted

    // brew's wording here is Homebrew 4's (Library/Homebrew/exceptions.rb, cmd/uninstall.rb), not recorded live.

    static let brewConfig = """
    tend: 1
    resources:
      - type: brew
        packages: [git, ripgrep, tend-no-such-formula]
      - type: brew
        packages: [firefox, zoom]
        cask: true
      - type: brew
        name: openssl@3
        version: "3.3.*"
    """

    @Test func brewInstallsFormulaeAndCasksInOneCallEach() async throws {
        let requests = try Self.requests(Self.brewConfig, type: BrewPackage(fallbackExecutables: []),
                                         observations: ["brew:openssl@3": .present(["version": .string("3.2.1")])])
        let runner = ScriptedProcessRunner([
            .init(matching: { $0.starts(with: ["brew", "install"]) && $0.contains("tend-no-such-formula") }, status: 1,
                  stderr: "Warning: No available formula with the name \"tend-no-such-formula\".\n"
                      + "Error: No formulae or casks found for tend-no-such-formula.\n"),
            .init(prefix: ["brew", "install"]),
            .init(prefix: ["brew", "upgrade"]),
            .init(prefix: ["brew", "list", "--versions", "--formula"], stdout: "git 2.45.1\nripgrep 14.1.0\nopenssl@3 3.3.1\n"),
            .init(prefix: ["brew", "list", "--versions", "--cask"], stdout: "firefox 126.0.1\nzoom 6.0.11\n"),
        ])
        let outcomes = await BrewPackage(fallbackExecutables: []).apply(requests, context: Self.context(runner))
        let changing = runner.commands.map(\.arguments).filter { $0[1] != "list" }
        #expect(changing == [
            ["brew", "install", "git", "ripgrep", "tend-no-such-formula"],
            ["brew", "install", "git", "ripgrep"],
            ["brew", "install", "--cask", "firefox", "zoom"],
            ["brew", "upgrade", "openssl@3"],
        ])
        #expect(runner.commands.allSatisfy { !$0.privileged })
        let failure = try #require(Self.failure(outcomes, "brew:tend-no-such-formula"))
        #expect(failure.message.hasPrefix("no formula named 'tend-no-such-formula' in Homebrew's taps: `brew install"))
        #expect(Self.outputs(outcomes, "brew:ripgrep") == ["version": .string("14.1.0")])
        #expect(Self.outputs(outcomes, "brew:zoom") == ["version": .string("6.0.11")])
        #expect(Self.outputs(outcomes, "brew:openssl@3") == ["version": .string("3.3.1")])
        #expect(outcomes.count == 6)
    }

    @Test func brewSaysWhenItCannotMeetAPin() async throws {
        let requests = try Self.requests("tend: 1\nresources:\n  - type: brew\n    name: node\n    version: \"18.*\"\n",
                                         type: BrewPackage(fallbackExecutables: []))
        let runner = ScriptedProcessRunner([
            .init(prefix: ["brew", "install"]),
            .init(prefix: ["brew", "list"], stdout: "node 22.3.0\n"),
        ])
        let failure = try #require(Self.failure(
            await BrewPackage(fallbackExecutables: []).apply(requests, context: Self.context(runner)), "brew:node"))
        #expect(failure.message.hasPrefix("Homebrew installed node 22.3.0, which does not match '18.*'"))
        #expect(failure.message.contains("node@18"))
    }

    @Test func brewUninstallTreatsWhatIsNotInstalledAsDone() async throws {
        let present: Observation = .present(["version": .string("1.0"), "cask": .bool(false)])
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: brew
            packages: [git, jq]
            ensure: absent
        """, type: BrewPackage(fallbackExecutables: []), observations: ["brew:git": present, "brew:jq": present])
        let runner = ScriptedProcessRunner([
            .init(matching: { $0.contains("jq") }, status: 1, stderr: "Error: No such keg: /opt/homebrew/Cellar/jq\n"),
            .init(prefix: ["brew", "uninstall"]),
        ])
        let outcomes = await BrewPackage(fallbackExecutables: []).apply(requests, context: Self.context(runner))
        #expect(runner.commands.map(\.arguments) == [["brew", "uninstall", "jq", "git"], ["brew", "uninstall", "git"]])
        #expect(outcomes.count == 2)
        #expect(outcomes.values.allSatisfy { if case .success = $0 { return true } else { return false } })
    }

    @Test func brewLockIsRetryableAndAMissingBrewIsSaidPlainly() async throws {
        let requests = try Self.requests("tend: 1\nresources:\n  - type: brew\n    name: git\n",
                                         type: BrewPackage(fallbackExecutables: []))
        let locked = ScriptedProcessRunner([
            .init(prefix: ["brew"], status: 1,
                  stderr: "Error: A `brew install git` process has already locked /opt/homebrew/Cellar/git.\n"),
        ])
        let brew = BrewPackage(fallbackExecutables: [])
        let lockFailure = Self.failure(await brew.apply(requests, context: Self.context(locked)), "brew:git")
        #expect(lockFailure?.retryable == true)

        let missing = ScriptedProcessRunner()  // no response: every launch fails
        let missingFailure = Self.failure(
            await BrewPackage(fallbackExecutables: ["/nonexistent/brew"]).apply(requests, context: Self.context(missing)),
            "brew:git")
        #expect(missingFailure?.message == "brew is not installed; install Homebrew first (https://brew.sh)")
        #expect(missingFailure?.retryable == false)
    }

    // MARK: - pip, scripted

    @Test(arguments: [
        ("3.*", "six==3.*"), ("1.16.0", "six==1.16.0.*"), ("2", "six==2.*"), ("1.0rc1", "six==1.0rc1"),
        ("2024.10.*", "six==2024.10.*"),
    ])
    func pipTurnsVersionPatternsIntoRequirements(pin: String, requirement: String) throws {
        #expect(try PipPackage.requirement(name: "six", pin: pin).get() == requirement)
        // What pip may then install, tend's pattern accepts.
        let installedExample = requirement.replacingOccurrences(of: "six==", with: "")
            .replacingOccurrences(of: "*", with: "4")
        #expect(VersionPattern(pin).matches(installedExample))
    }

    @Test func pipRefusesPatternsPipCannotSay() throws {
        for pin in ["1.?", "3*", "*.1"] {
            guard case .failure(let failure) = PipPackage.requirement(name: "six", pin: pin) else {
                Issue.record("'\(pin)' was accepted")
                continue
            }
            #expect(failure.message.hasPrefix("pip cannot install a version of 'six' matching '\(pin)'"))
        }
        #expect(try PipPackage.requirement(name: "httpie[socks]", pin: nil).get() == "httpie[socks]")
    }

    @Test func pipInstallsOncePerInterpreterAndUserFlag() async throws {
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: pip
            packages: [six, "httpie[socks]"]
          - type: pip
            name: tomli
            version: "2.0.*"
          - type: pip
            name: black
            user: true
          - type: pip
            name: idna
            python: /opt/venv/bin/python
        """, type: PipPackage())
        let runner = ScriptedProcessRunner([
            .init(matching: { $0.contains("install") }),
            .init(matching: { $0.contains("list") && $0[0] == "python3" && !$0.contains("--user") },
                  stdout: #"[{"name": "six", "version": "1.16.0"}, {"name": "httpie", "version": "3.2.2"}, {"name": "tomli", "version": "2.0.2"}]"#),
            .init(matching: { $0.contains("list") && $0.contains("--user") }, stdout: #"[{"name": "black", "version": "24.4.2"}]"#),
            .init(matching: { $0.contains("list") }, stdout: #"[{"name": "idna", "version": "3.7"}]"#),
        ])
        let outcomes = await PipPackage().apply(requests, context: Self.context(runner))
        let installs = runner.commands.map(\.arguments).filter { $0.contains("install") }
        #expect(installs == [
            ["python3", "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--", "six",
             "httpie[socks]", "tomli==2.0.*"],
            ["python3", "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--user", "--", "black"],
            ["/opt/venv/bin/python", "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--", "idna"],
        ])
        #expect(Self.outputs(outcomes, "pip:httpie[socks]") == ["version": .string("3.2.2")])
        #expect(Self.outputs(outcomes, "pip:tomli") == ["version": .string("2.0.2")])
        #expect(Self.outputs(outcomes, "pip:black") == ["version": .string("24.4.2")])
        #expect(Self.outputs(outcomes, "pip:idna") == ["version": .string("3.7")])
    }

    @Test func pipUnknownPackageFailsAloneAndTheRestIsInstalled() async throws {
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: pip
            packages: [six, Tend_No.Such-Pkg]
          - type: pip
            name: idna
            version: "99.*"
        """, type: PipPackage())
        let runner = ScriptedProcessRunner([
            .init(matching: { $0.contains("install") && $0.contains("Tend_No.Such-Pkg") }, status: 1, stderr: """
            ERROR: Could not find a version that satisfies the requirement Tend_No.Such-Pkg (from versions: none)
            ERROR: No matching distribution found for Tend_No.Such-Pkg

            """),
            .init(matching: { $0.contains("install") && $0.contains("idna==99.*") }, status: 1, stderr: """
            ERROR: Could not find a version that satisfies the requirement idna==99.* (from versions: 3.6, 3.7)
            ERROR: No matching distribution found for idna==99.*

            """),
            .init(matching: { $0.contains("install") }),
            .init(matching: { $0.contains("list") }, stdout: #"[{"name": "six", "version": "1.16.0"}]"#),
        ])
        let outcomes = await PipPackage().apply(requests, context: Self.context(runner))
        let installs = runner.commands.map(\.arguments).filter { $0.contains("install") }.map { Array($0.dropFirst(7)) }
        #expect(installs == [["six", "Tend_No.Such-Pkg", "idna==99.*"], ["six", "idna==99.*"], ["six"]])
        #expect(Self.failure(outcomes, "pip:Tend_No.Such-Pkg")?.message
            == "no package named 'Tend_No.Such-Pkg' on the package index: ERROR: No matching distribution found for Tend_No.Such-Pkg")
        #expect(Self.failure(outcomes, "pip:idna")?.message.hasPrefix("pip found no version of 'idna' matching '99.*'") == true)
        #expect(Self.outputs(outcomes, "pip:six") == ["version": .string("1.16.0")])
    }

    @Test func pipFailuresSayWhatToDo() async throws {
        let requests = try Self.requests("tend: 1\nresources:\n  - type: pip\n    name: six\n", type: PipPackage())
        let managed = ScriptedProcessRunner([.init(prefix: ["python3"], status: 1, stderr: """
        error: externally-managed-environment

        × This environment is externally managed

        """)])
        let managedFailure = Self.failure(await PipPackage().apply(requests, context: Self.context(managed)), "pip:six")
        #expect(managedFailure?.message.hasPrefix("python3 belongs to the system, whose pip refuses to install six") == true)

        let offline = ScriptedProcessRunner([.init(prefix: ["python3"], status: 1, stderr: """
        WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(...: [Errno -3] Temporary failure in name resolution')': /simple/six/
        ERROR: No matching distribution found for six

        """)])
        #expect(Self.failure(await PipPackage().apply(requests, context: Self.context(offline)), "pip:six")?.retryable == true)

        let noPip = ScriptedProcessRunner([.init(prefix: ["python3"], status: 1, stderr: "/usr/bin/python3: No module named pip\n")])
        #expect(Self.failure(await PipPackage().apply(requests, context: Self.context(noPip)), "pip:six")?.message
            == "pip is not installed for python3; add it first, e.g. type: apt, name: python3-pip")

        let noPython = ScriptedProcessRunner()
        #expect(Self.failure(await PipPackage().apply(requests, context: Self.context(noPython)), "pip:six")?.message
            == "the interpreter python3 is not installed")
    }

    @Test func pipUninstallsPerInterpreter() async throws {
        let present: Observation = .present(["version": .string("1.0"), "python": .string("python3"), "user": .bool(false)])
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: pip
            packages: [six, "httpie[socks]"]
            ensure: absent
        """, type: PipPackage(), observations: ["pip:six": present, "pip:httpie[socks]": present])
        let runner = ScriptedProcessRunner([.init(prefix: ["python3"], stdout: "Successfully uninstalled six-1.16.0\n")])
        let outcomes = await PipPackage().apply(requests, context: Self.context(runner))
        #expect(runner.commands.map(\.arguments) == [
            ["python3", "-m", "pip", "uninstall", "-y", "--disable-pip-version-check", "--", "httpie", "six"],
        ])
        #expect(outcomes.count == 2)
        #expect(outcomes.values.allSatisfy { if case .success = $0 { return true } else { return false } })
    }

    // MARK: - pipx, scripted

    static func pipxListing(_ packages: [String: String]) -> String {
        let venvs = packages.map { name, version in
            #""\#(name)": {"metadata": {"main_package": {"package": "\#(name)", "package_version": "\#(version)", "suffix": ""}, "python_version": "Python 3.11.7"}}"#
        }
        return #"{"pipx_spec_version": "0.1", "venvs": {"# + venvs.joined(separator: ", ") + "}}"
    }

    @Test func pipxInstallsNewPackagesInOneCallAndChangesVersionsWithForce() async throws {
        let requests = try Self.requests("""
        tend: 1
        resources:
          - type: pipx
            packages: [ruff, poetry]
          - type: pipx
            name: cowsay
            version: "6.*"
          - type: pipx
            name: black
            python: python3.11
        """, type: PipxPackage(), observations: ["pipx:cowsay": .present(["version": .string("5.0")])])
        let runner = ScriptedProcessRunner([
            .init(prefix: ["pipx", "install"]),
            .init(prefix: ["pipx", "list"], stdout: Self.pipxListing([
                "ruff": "0.4.8", "poetry": "1.8.3", "cowsay": "6.1", "black": "24.4.2",
            ])),
        ])
        let outcomes = await PipxPackage().apply(requests, context: Self.context(runner))
        #expect(runner.commands.map(\.arguments).filter { $0[1] == "install" } == [
            ["pipx", "install", "--", "ruff", "poetry"],
            ["pipx", "install", "--force", "--", "cowsay==6.*"],
            ["pipx", "install", "--python", "python3.11", "--", "black"],
        ])
        #expect(Self.outputs(outcomes, "pipx:cowsay") == ["version": .string("6.1")])
        #expect(Self.outputs(outcomes, "pipx:poetry") == ["version": .string("1.8.3")])
        #expect(outcomes.count == 4)
    }

    @Test func pipxFailedBatchTriesEachMissingPackageAlone() async throws {
        let requests = try Self.requests("tend: 1\nresources:\n  - type: pipx\n    packages: [six, cowsay, ruff]\n",
                                         type: PipxPackage())
        let noApps = "No apps associated with package six or its dependencies. `pipx install`\nrequires an application entry point.\n"
        let runner = ScriptedProcessRunner([
            // pipx stops at six: cowsay is not installed by this call, ruff was before it failed.
            .init(prefix: ["pipx", "install", "--", "six"], status: 1, stderr: noApps),
            .init(prefix: ["pipx", "install", "--", "cowsay"]),
            .init(prefix: ["pipx", "list"], stdout: Self.pipxListing(["ruff": "0.4.8"]), repeats: false),
            .init(prefix: ["pipx", "list"], stdout: Self.pipxListing(["ruff": "0.4.8", "cowsay": "6.1"])),
        ])
        let outcomes = await PipxPackage().apply(requests, context: Self.context(runner))
        #expect(runner.commands.map(\.arguments).filter { $0[1] == "install" } == [
            ["pipx", "install", "--", "six", "cowsay", "ruff"], ["pipx", "install", "--", "six"],
            ["pipx", "install", "--", "cowsay"],
        ])
        #expect(Self.failure(outcomes, "pipx:six")?.message.hasPrefix("'six' has no command-line apps, so pipx will not install it") == true)
        #expect(Self.outputs(outcomes, "pipx:cowsay") == ["version": .string("6.1")])
        #expect(Self.outputs(outcomes, "pipx:ruff") == ["version": .string("0.4.8")])
    }

    @Test func pipxMissingAndUninstall() async throws {
        let create = try Self.requests("tend: 1\nresources:\n  - type: pipx\n    name: ruff\n", type: PipxPackage())
        let missing = Self.failure(await PipxPackage().apply(create, context: Self.context(ScriptedProcessRunner())),
                                   "pipx:ruff")
        #expect(missing?.message == "pipx is not installed; add it first, e.g. type: apt, name: pipx")

        let present: Observation = .present(["version": .string("1.0")])
        let destroy = try Self.requests("tend: 1\nresources:\n  - type: pipx\n    packages: [ruff, black]\n    ensure: absent\n",
                                        type: PipxPackage(), observations: ["pipx:ruff": present, "pipx:black": present])
        let runner = ScriptedProcessRunner([
            .init(prefix: ["pipx", "uninstall", "--", "black"], status: 1, stdout: "Nothing to uninstall for black 😴\n"),
            .init(prefix: ["pipx", "uninstall"], stdout: "uninstalled ruff! ✨ 🌟 ✨\n"),
        ])
        let outcomes = await PipxPackage().apply(destroy, context: Self.context(runner))
        #expect(runner.commands.map(\.arguments) == [["pipx", "uninstall", "--", "black"], ["pipx", "uninstall", "--", "ruff"]])
        #expect(outcomes.values.allSatisfy { if case .success = $0 { return true } else { return false } })
    }

    // MARK: - Real: engine, executor and host

    /// Loads, plans and applies `yaml` on `host` with the real engine and executor.
    static func apply(_ yaml: String, host: Machine, directory: String) async throws -> ApplySummary {
        let config = try load(yaml, host: host.facts, workingDirectory: directory)
        let planned = try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config)
        #expect(!planned.plan.changes.isEmpty)
        return await Executor(registry: BuiltinTypes.registry, host: host)
            .apply(plan: planned.plan, resources: planned.resources, observations: planned.observations)
    }

    /// The changes a fresh plan of `yaml` still wants: none once apply converged.
    static func remainingChanges(_ yaml: String, host: Machine, directory: String) async throws -> [String] {
        let config = try load(yaml, host: host.facts, workingDirectory: directory)
        let planned = try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config)
        return planned.plan.changes.map(\.message)
    }

    static func failureMessage(_ summary: ApplySummary, _ address: Address) -> String? {
        if case .failed(let message, _, _)? = summary.outcomes[address] { return message }
        return nil
    }

    static func succeeded(_ summary: ApplySummary, _ address: Address) -> Bool {
        summary.outcomes[address]?.isSuccess == true
    }

    // MARK: apt, real

    static let canInstallDebs = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get")

    static func dpkgStatus(_ package: String) async throws -> String {
        try await SystemProcessRunner().run(Command(["dpkg-query", "-W", "-f", "${Status}", package])).output
    }

    /// Small packages absent and installable right now, or a visible skip saying why there are none.
    static func throwaway(_ count: Int) async throws -> [String] {
        switch try await ThrowawayDebianPackages.absent(count, installable: true) {
        case .success(let names): return names
        case .failure(let shortage): try Test.cancel("skipped: \(shortage)")
        }
    }

    /// Runs `body` while holding the machine-wide apt test lock (see `AptTestLock`).
    static func exclusively(_ body: () async throws -> Void) async throws {
        try await AptTestLock.exclusively(body)
    }

    @Test(.enabled(if: canInstallDebs, "needs root and apt-get"))
    func aptInstallsAndRemovesForReal() async throws {
        try await Self.exclusively(installAndRemoveTwoAbsentPackages)
    }

    func installAndRemoveTwoAbsentPackages() async throws {
        let names = try await Self.throwaway(2)
        // Put the machine back even when an expectation throws: only these were absent before the test.
        defer { ThrowawayDebianPackages.removeNow(names) }
        let home = try TemporaryHome()
        let runner = CommandLog(SystemProcessRunner(baseEnvironment: home.facts().environment))
        let host = home.host(runner: runner)
        let present = """
        tend: 1
        resources:
          - type: apt
            packages: [\(names[0]), \(names[1])]
        """
        let installed = try await Self.apply(present, host: host, directory: home.path)
        #expect(installed.succeeded, "\(installed.outcomes)")
        let installs = runner.arguments.filter(Self.isInstall)
        #expect(installs.count == 1)
        #expect(installs.first.map { Array($0.suffix(2)) } == names)
        for name in names { #expect(try await Self.dpkgStatus(name) == "install ok installed", "\(name)") }
        #expect(try await Self.remainingChanges(present, host: host, directory: home.path) == [])

        let absent = present + "\n    ensure: absent\n"
        let removed = try await Self.apply(absent, host: host, directory: home.path)
        #expect(removed.succeeded, "\(removed.outcomes)")
        let removals = runner.arguments.filter { $0.starts(with: ["apt-get", "remove", "-y"]) }
        #expect(removals.count == 1)
        #expect(removals.first.map { Set($0.suffix(2)) } == Set(names))
        #expect(removals.first.map { Array($0.prefix(5)) } == ["apt-get", "remove", "-y", "-q", "--"])
        for name in names { #expect(try await Self.dpkgStatus(name) != "install ok installed", "\(name)") }
        #expect(try await Self.remainingChanges(absent, host: host, directory: home.path) == [])
    }

    @Test(.enabled(if: canInstallDebs, "needs root and apt-get"))
    func aptUnknownPackageFailsWhileTheRestInstallsForReal() async throws {
        try await Self.exclusively(installOneBesideAnUnknownPackage)
    }

    func installOneBesideAnUnknownPackage() async throws {
        let name = try await Self.throwaway(1)[0]
        defer { ThrowawayDebianPackages.removeNow([name]) }
        let home = try TemporaryHome()
        let runner = CommandLog(SystemProcessRunner(baseEnvironment: home.facts().environment))
        let host = home.host(runner: runner)
        let summary = try await Self.apply("""
        tend: 1
        resources:
          - type: apt
            packages: [tend-no-such-pkg-xyz, \(name)]
        """, host: host, directory: home.path)
        #expect(Self.succeeded(summary, Address(type: "apt", key: name)), "\(summary.outcomes)")
        #expect(Self.failureMessage(summary, Address(type: "apt", key: "tend-no-such-pkg-xyz"))
            == "no package named 'tend-no-such-pkg-xyz' in the apt sources (after apt-get update)")
        // One update, no endless retries: counted, not timed.
        #expect(runner.arguments.filter { $0.starts(with: ["apt-get", "update"]) }.count == 1)
        #expect(try await Self.dpkgStatus(name) == "install ok installed")
    }

    // MARK: pip, real

    @Test func pipInstallsIntoAVirtualEnvironmentForReal() async throws {
        let home = try TemporaryHome()
        let venv = home.path + "/venv"
        let made = try await SystemProcessRunner().run(Command(["python3", "-m", "venv", venv]))
        try #require(made.succeeded, "\(CommandError.failed(made))")
        let runner = CommandLog(SystemProcessRunner(baseEnvironment: home.facts().environment))
        let host = home.host(runner: runner)
        let wanted = """
        tend: 1
        resources:
          - type: pip
            python: \(venv)/bin/python
            packages: [six]
          - type: pip
            python: \(venv)/bin/python
            name: tomli
            version: "2.0.*"
        """
        let summary = try await Self.apply(wanted + """

          - type: pip
            python: \(venv)/bin/python
            name: tend-no-such-pkg-xyz
        """, host: host, directory: home.path)
        #expect(Self.succeeded(summary, Address(type: "pip", key: "six")), "\(summary.outcomes)")
        #expect(Self.succeeded(summary, Address(type: "pip", key: "tomli")), "\(summary.outcomes)")
        let unknown = try #require(Self.failureMessage(summary, Address(type: "pip", key: "tend-no-such-pkg-xyz")))
        #expect(unknown.hasPrefix("no package named 'tend-no-such-pkg-xyz' on the package index"))
        #expect(runner.arguments.filter { $0.contains("install") }.count == 2)

        let versions = try await SystemProcessRunner().run(Command([
            venv + "/bin/python", "-c", "import importlib.metadata as m; print(m.version('six'), m.version('tomli'))",
        ]))
        let words = versions.output.split(whereSeparator: \.isWhitespace).map(String.init)
        #expect(words.count == 2 && words[1].hasPrefix("2.0."), "\(versions.output)")
        #expect(try await Self.remainingChanges(wanted, host: host, directory: home.path) == [])

        let gone = """
        tend: 1
        resources:
          - type: pip
            python: \(venv)/bin/python
            packages: [six, tomli]
            ensure: absent
        """
        let removed = try await Self.apply(gone, host: host, directory: home.path)
        #expect(removed.succeeded, "\(removed.outcomes)")
        let after = try await SystemProcessRunner().run(Command([venv + "/bin/python", "-c", "import six"]))
        #expect(!after.succeeded)
        #expect(try await Self.remainingChanges(gone, host: host, directory: home.path) == [])
    }

    // MARK: pipx, real

    @Test func pipxInstallsChangesAndRemovesForReal() async throws {
        let home = try TemporaryHome()
        let venv = home.path + "/pipx-venv"
        let system = SystemProcessRunner()
        let made = try await system.run(Command(["python3", "-m", "venv", venv]))
        try #require(made.succeeded, "\(CommandError.failed(made))")
        let pipx = try await system.run(Command([venv + "/bin/python", "-m", "pip", "install", "-q",
                                                 "--disable-pip-version-check", "pipx"]))
        try #require(pipx.succeeded, "\(CommandError.failed(pipx))")

        let path = venv + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var environment = [
            "PATH": path, "PIPX_HOME": home.path + "/pipx", "PIPX_BIN_DIR": home.path + "/bin",
            "PIPX_MAN_DIR": home.path + "/man",
        ]
        // pipx installs through uv when uv is on PATH, and uv trusts only its own roots unless told of the
        // machine's certificate bundle (a site CA on these machines): pass the TLS and proxy settings through.
        for (name, value) in ProcessInfo.processInfo.environment
        where ["SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY",
               "no_proxy", "PIP_CERT", "REQUESTS_CA_BUNDLE"].contains(name) {
            environment[name] = value
        }
        let runner = CommandLog(SystemProcessRunner(baseEnvironment: home.facts(environment: environment).environment))
        let host = home.host(environment: environment, runner: runner)
        func config(_ version: String, ensure: String = "present") -> String {
            """
            tend: 1
            resources:
              - type: pipx
                name: cowsay
                version: "\(version)"
                ensure: \(ensure)
            """
        }

        let created = try await Self.apply(config("5.*"), host: host, directory: home.path)
        #expect(created.succeeded, "\(created.outcomes)")
        #expect(FileManager.default.isExecutableFile(atPath: home.path + "/bin/cowsay"))
        #expect(try await Self.remainingChanges(config("5.*"), host: host, directory: home.path) == [])

        let changed = try await Self.apply(config("6.*"), host: host, directory: home.path)
        #expect(changed.succeeded, "\(changed.outcomes)")
        #expect(runner.arguments.contains(["pipx", "install", "--force", "--", "cowsay==6.*"]))
        #expect(try await Self.remainingChanges(config("6.*"), host: host, directory: home.path) == [])

        let removed = try await Self.apply(config("6.*", ensure: "absent"), host: host, directory: home.path)
        #expect(removed.succeeded, "\(removed.outcomes)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/bin/cowsay"))
        #expect(try await Self.remainingChanges(config("6.*", ensure: "absent"), host: host, directory: home.path) == [])
    }
}

/// Runs commands for real and keeps their argv, so a real test can check how many calls apply made.
private final class CommandLog: ProcessRunner, @unchecked Sendable {
    private let base: any ProcessRunner
    private let lock = NSLock()
    private var recorded: [[String]] = []

    init(_ base: any ProcessRunner) {
        self.base = base
    }

    var arguments: [[String]] { lock.withLock { recorded } }

    func run(_ command: Command) async throws -> CommandResult {
        lock.withLock { recorded.append(command.arguments) }
        return try await base.run(command)
    }
}
