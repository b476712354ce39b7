import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// Refresh of the package types (apt, brew, pip, pipx): the parsers against scripted output, one query for many
/// resources, the plan sentences, and apt and pip against the real dpkg and pip of this machine.
@Suite struct PackageRefreshTests {
    // MARK: - Helpers

    /// The resources of a YAML config, loaded the way `tend plan` loads them.
    static func load(_ yaml: String, host: HostFacts = fixedHost,
                     catalog: SchemaCatalog = BuiltinSchemas.catalog) throws -> Config {
        let result = ConfigLoader(catalog: catalog, host: host, workingDirectory: "/work")
            .load(text: yaml, path: "tend.yaml")
        #expect(!result.hasErrors, "\(rendered(result))")
        return try #require(result.config)
    }

    static func resources(_ yaml: String) throws -> [ResourceSpec] {
        try load(yaml).resources
    }

    static func machine(_ runner: any ProcessRunner, facts: HostFacts = scriptedDpkgHost) -> Machine {
        Machine(facts: facts, runner: runner, isRoot: false)
    }

    static func address(_ text: String) -> Address {
        Address(parsing: text, home: fixedHost.home)!
    }

    /// The plan for `yaml` given observations, through the real planner and only the given type.
    static func plan(_ yaml: String, type: any ResourceType, observations: [Address: Observation]) throws -> Plan {
        let config = try load(yaml)
        let planner = Planner(registry: TypeRegistry([type]), home: fixedHost.home)
        return planner.plan(config: config, resources: config.resources, observations: observations)
    }

    static func change(_ plan: Plan, _ address: String) -> ResourceChange? {
        plan.changes.first { $0.address.description == address }
    }

    // MARK: - apt, scripted

    static let aptConfig = """
    tend: 1
    resources:
      - type: apt
        packages: [git, curl, ripgrep, libc6:i386, zlib1g]
      - type: apt
        name: postgresql-client
        version: "15.*"
    """

    /// `dpkg-query -W -f '${Package}\t${Architecture}\t${Status}\t${Version}\n'` as Debian 12 prints it, with
    /// two lines that are not dpkg's and must be ignored.
    static let aptOutput = """
    git\tamd64\tinstall ok installed\t1:2.39.5-0+deb12u2
    curl\tamd64\tdeinstall ok config-files\t7.88.1-10+deb12u8
    libc6\tamd64\tinstall ok installed\t2.36-9+deb12u9
    libc6\ti386\tinstall ok installed\t2.36-9+deb12u8
    zlib1g\tamd64\tinstall ok unpacked\t1:1.2.13.dfsg-1
    postgresql-client\tall\thold ok installed\t14.0-1
    this line is not dpkg's
    broken\tamd64\tinstalled\t1.0

    """

    @Test func aptAsksDpkgOnceForEveryPackage() async throws {
        let runner = ScriptedProcessRunner([
            .init(prefix: ["dpkg-query"], status: 1, stdout: Self.aptOutput,
                  stderr: "dpkg-query: no packages found matching ripgrep\n"),
        ])
        let resources = try Self.resources(Self.aptConfig)
        let observations = try await AptPackage().refresh(resources, host: Self.machine(runner))

        #expect(runner.commands.count == 1)
        #expect(runner.commands.first?.arguments == [
            "dpkg-query", "-W", "-f", "${Package}\t${Architecture}\t${Status}\t${Version}\n", "--",
            "git", "curl", "ripgrep", "libc6:i386", "zlib1g", "postgresql-client",
        ])
        #expect(observations[Self.address("apt:git")] == .present(["version": .string("1:2.39.5-0+deb12u2")]))
        #expect(observations[Self.address("apt:ripgrep")] == .absent("not installed"))
        #expect(observations[Self.address("apt:curl")] == .absent("not installed (its configuration files remain)"))
        #expect(observations[Self.address("apt:zlib1g")] == .absent("not fully installed (dpkg status: unpacked)"))
        // The architecture in the name picks its own instance.
        #expect(observations[Self.address("apt:libc6:i386")] == .present(["version": .string("2.36-9+deb12u8")]))
        // A held package is installed.
        #expect(observations[Self.address("apt:postgresql-client")] == .present(["version": .string("14.0-1")]))
        #expect(observations.count == resources.count)
    }

    @Test func aptPrefersTheNativeArchitectureForAnUnqualifiedName() {
        let records = AptPackage.parse("""
        libc6\ti386\tinstall ok installed\t2.36-1
        libc6\tamd64\tinstall ok installed\t2.36-2
        libc6\tarm64\tdeinstall ok config-files\t2.35-1
        """)
        #expect(records.count == 3)
        #expect(AptPackage.observation(of: "libc6", in: records, nativeArchitecture: "amd64")
            == .present(["version": .string("2.36-2")]))
        #expect(AptPackage.observation(of: "libc6", in: records, nativeArchitecture: "i386")
            == .present(["version": .string("2.36-1")]))
        #expect(AptPackage.observation(of: "libc6:arm64", in: records, nativeArchitecture: "amd64")
            == .absent("not installed (its configuration files remain)"))
        #expect(AptPackage.observation(of: "libc6:s390x", in: records, nativeArchitecture: "amd64")
            == .absent("not installed"))
        #expect(AptPackage.debianArchitecture("x86_64") == "amd64")
        #expect(AptPackage.debianArchitecture("aarch64") == "arm64")
    }

    /// Behind validate, which refuses these names first (`BadValueTests`).
    @Test func aptNeverPassesAPatternToDpkg() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["dpkg-query"], stdout: "git\tamd64\tinstall ok installed\t1:2.39.5\n")])
        let resources = try Self.load("""
        tend: 1
        resources:
          - type: apt
            packages: [git, "lib*", "-x"]
        """, catalog: uncheckedCatalog).resources
        let observations = try await AptPackage().refresh(resources, host: Self.machine(runner))
        #expect(runner.commands.map(\.arguments) == [["dpkg-query", "-W", "-f", AptPackage.format, "--", "git"]])
        #expect(observations[Self.address("apt:lib*")] == .absent("'lib*' is not a Debian package name"))
        #expect(observations[Self.address("apt:-x")]?.exists == false)
        #expect(observations[Self.address("apt:git")]?.exists == true)
    }

    @Test(arguments: [
        ("git", true), ("g++", true), ("libc6:i386", true), ("0ad", true), ("lib-x.y+z:arm-64", true),
        ("", false), ("lib*", false), ("-x", false), ("a:", false), (":amd64", false), ("a:b:c", false),
        ("a b", false), ("é", false), ("a:i_386", false),
    ])
    func aptPackageNames(name: String, valid: Bool) {
        #expect(AptPackage.isPackageName(name) == valid)
    }

    @Test func aptFailsOnADpkgError() async throws {
        let runner = ScriptedProcessRunner([
            .init(prefix: ["dpkg-query"], status: 2, stderr: "dpkg-query: error: parsing file '/var/lib/dpkg/status'\n"),
        ])
        let resources = try Self.resources(Self.aptConfig)
        await #expect(throws: CommandError.self) {
            _ = try await AptPackage().refresh(resources, host: Self.machine(runner))
        }
    }

    @Test func aptWithoutDpkgReportsEveryPackageAbsent() async throws {
        let resources = try Self.resources(Self.aptConfig)
        let runner = ScriptedProcessRunner()  // answers nothing: every launch fails, as on macOS
        let observations = try await AptPackage().refresh(resources, host: Self.machine(runner))
        #expect(observations.count == resources.count)
        #expect(observations.values.allSatisfy { !$0.exists && $0.note?.contains("not a Debian system") == true })
    }

    @Test func aptPlanSentences() throws {
        let yaml = """
        tend: 1
        resources:
          - type: apt
            packages: [ripgrep, git]
          - type: apt
            name: postgresql-client
            version: "15.*"
          - type: apt
            name: nano
            ensure: absent
          - type: apt
            name: curl
            version: "7.88.*"
        """
        let current: [Address: Observation] = [
            Self.address("apt:ripgrep"): .absent("not installed"),
            Self.address("apt:git"): .present(["version": .string("1:2.39.5-0+deb12u2")]),
            Self.address("apt:postgresql-client"): .present(["version": .string("14.0-1")]),
            Self.address("apt:nano"): .present(["version": .string("7.2-1")]),
            Self.address("apt:curl"): .present(["version": .string("7.88.1-10+deb12u8")]),
        ]
        let plan = try Self.plan(yaml, type: AptPackage(), observations: current)
        #expect(Self.change(plan, "apt:ripgrep")?.message == "Install package ripgrep")
        #expect(Self.change(plan, "apt:ripgrep")?.reason == "not installed")
        #expect(Self.change(plan, "apt:postgresql-client")?.message == "Change package postgresql-client from 14.0-1 to 15.*")
        #expect(Self.change(plan, "apt:nano")?.message == "Remove package nano")
        // The pin matches what is installed, so nothing happens to curl or git.
        #expect(Set(plan.unchanged.map(\.description)) == ["apt:git", "apt:curl"])

        let fresh = try Self.plan(yaml, type: AptPackage(),
                                  observations: [Self.address("apt:postgresql-client"): .absent("not installed")])
        #expect(Self.change(fresh, "apt:postgresql-client")?.message == "Install package postgresql-client 15.*")
    }

    // MARK: - apt, real dpkg

    static let hasDpkg = FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-query")

    /// Runs a command on this machine and returns its standard output.
    static func run(_ arguments: [String]) async throws -> CommandResult {
        try await SystemProcessRunner().run(Command(arguments))
    }

    @Test(.enabled(if: hasDpkg, "needs dpkg"))
    func aptRefreshAgainstTheRealDpkg() async throws {
        try await AptTestLock.exclusively(refreshAgainstTheRealDpkg)
    }

    func refreshAgainstTheRealDpkg() async throws {
        // A package absent right now, so the expected plan does not depend on what this machine has installed.
        let absentName: String
        switch try await ThrowawayDebianPackages.absent(1, installable: false) {
        case .success(let names): absentName = names[0]
        case .failure(let shortage): try Test.cancel("skipped: \(shortage)")
        }
        let bashVersion = try await Self.run(["dpkg-query", "-W", "-f", "${Version}", "bash"]).output
        let dpkgVersion = try await Self.run(["dpkg-query", "-W", "-f", "${Version}", "dpkg"]).output
        #expect(!bashVersion.isEmpty)

        let facts = HostFacts.current()
        let config = try Self.load("""
        tend: 1
        resources:
          - type: apt
            packages: [bash, dpkg, \(absentName)]
          - type: apt
            name: coreutils
            version: "*"
        """, host: facts)
        let counting = CountingRunner(SystemProcessRunner())
        let host = Machine(facts: facts, runner: counting, isRoot: geteuid() == 0)
        let observations = try await AptPackage().refresh(config.resources, host: host)

        #expect(counting.count == 0)  // dpkg's status file is read in-process
        #expect(observations[Address(type: "apt", key: "bash")] == .present(["version": .string(bashVersion)]))
        #expect(observations[Address(type: "apt", key: "dpkg")] == .present(["version": .string(dpkgVersion)]))
        #expect(observations[Address(type: "apt", key: absentName)] == .absent("not installed"))
        #expect(observations[Address(type: "apt", key: "coreutils")]?.exists == true)

        let planner = Planner(registry: TypeRegistry([AptPackage()]), home: facts.home)
        let plan = planner.plan(config: config, resources: config.resources, observations: observations)
        #expect(plan.changes.map(\.message) == ["Install package \(absentName)"])
        #expect(Set(plan.unchanged.map(\.key)) == ["bash", "dpkg", "coreutils"])
    }

    /// Every installed and remembered package on this machine, read from the status file, is exactly what
    /// `dpkg-query -W` prints for it.
    @Test(.enabled(if: hasDpkg, "needs dpkg"))
    func statusFileAgreesWithDpkgQueryOnThisMachine() async throws {
        try await AptTestLock.exclusively {
            let listing = try await Self.run(["dpkg-query", "-W", "-f", AptPackage.format])
            try #require(listing.succeeded, "\(listing.errorOutput)")
            let fromQuery = AptPackage.parse(listing.output)
            #expect(fromQuery.count > 100)
            let names = Set(fromQuery.map(\.name))
            // With no names, dpkg-query -W leaves out entries dpkg only remembers as not installed.
            let fromFile = try #require(DpkgStatus.records(adminDirectory: "/var/lib/dpkg", packages: names,
                                                           files: FileSystem()),
                                        "dpkg's status file could not be read, or its journal has pending changes")
                .filter { $0.state != "not-installed" }
            let key = { (record: AptPackage.Record) in "\(record.name):\(record.architecture)" }
            #expect(fromFile.sorted { key($0) < key($1) } == fromQuery.sorted { key($0) < key($1) })
        }
    }

    // MARK: - apt, the status file

    /// A status file as dpkg writes it, trimmed: multi-arch instances, a removed package whose configuration
    /// remains, a half-installed one, multi-line fields, and a field name in another case.
    static let statusFile = """
    Package: git
    Status: install ok installed
    Priority: optional
    Section: vcs
    Installed-Size: 41133
    Maintainer: Jonathan Nieder <jrnieder@gmail.com>
    Architecture: amd64
    Multi-Arch: foreign
    Version: 1:2.39.5-0+deb12u2
    Depends: libc6 (>= 2.34), perl
    Description: fast, scalable, distributed revision control system
     Git is popular version control system designed to handle very large
     Package: projects with speed and efficiency; this line only continues the description.
     .
     Status: deinstall ok config-files

    Package: libc6
    Status: install ok installed
    Architecture: amd64
    Version: 2.36-9+deb12u9
    Conffiles:
     /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab

    Package: libc6
    Status: install ok installed
    Architecture: i386
    Version: 2.36-9+deb12u8

    Package: curl
    Status: deinstall ok config-files
    Architecture: amd64
    Version: 7.88.1-10+deb12u8

    Package: nano
    Status: install reinstreq half-installed
    Architecture: amd64
    Version: 7.2-1

    package: zlib1g
    STATUS: install ok installed
    Architecture: amd64
    version: 1:1.2.13.dfsg-1

    Package: postgresql-client
    Status: install ok installed
    Architecture: all
    Version: 15.8-0+deb12u1
    """

    @Test func statusFileParsing() {
        let all: Set<String> = ["git", "libc6", "curl", "nano", "zlib1g", "postgresql-client", "projects"]
        let records = DpkgStatus.parse(Array(Self.statusFile.utf8), packages: all)
        #expect(records == [
            .init(name: "git", architecture: "amd64", state: "installed", version: "1:2.39.5-0+deb12u2"),
            .init(name: "libc6", architecture: "amd64", state: "installed", version: "2.36-9+deb12u9"),
            .init(name: "libc6", architecture: "i386", state: "installed", version: "2.36-9+deb12u8"),
            .init(name: "curl", architecture: "amd64", state: "config-files", version: "7.88.1-10+deb12u8"),
            .init(name: "nano", architecture: "amd64", state: "half-installed", version: "7.2-1"),
            .init(name: "zlib1g", architecture: "amd64", state: "installed", version: "1:1.2.13.dfsg-1"),
            .init(name: "postgresql-client", architecture: "all", state: "installed", version: "15.8-0+deb12u1"),
        ])
        // Only the packages asked about become records.
        #expect(DpkgStatus.parse(Array(Self.statusFile.utf8), packages: ["libc6"])?.map(\.architecture) == ["amd64", "i386"])
        #expect(DpkgStatus.parse([], packages: all) == [])
        // Without a trailing newline the last paragraph still counts; without a Status line it does not.
        #expect(DpkgStatus.parse(Array("Package: a\nStatus: install ok installed\nVersion: 1".utf8), packages: ["a"])
            == [.init(name: "a", architecture: "", state: "installed", version: "1")])
        #expect(DpkgStatus.parse(Array("Package: a\nVersion: 1\n".utf8), packages: ["a"]) == [])
        #expect(DpkgStatus.parse(Array("Package: a\nStatus: install ok\nVersion: 1\n".utf8), packages: ["a"]) == [])
        // Blanks are read as dpkg reads them: runs of spaces and tabs separate, and edges are trimmed.
        #expect(DpkgStatus.parse(Array("Package:\ta\t\nStatus:  install  ok\tinstalled \nVersion: 1 \t\n".utf8),
                                 packages: ["a"])
            == [.init(name: "a", architecture: "", state: "installed", version: "1")])
    }

    /// A status file dpkg would not have written is left to dpkg-query, which reports it, instead of being
    /// guessed at: paragraphs run together or split where they should not.
    @Test(arguments: [
        "Package: a\r\nStatus: install ok installed\r\n\r\nPackage: b\r\nStatus: install ok installed\r\n",
        "Package: a\nStatus: install ok installed\n  \nPackage: b\nStatus: install ok installed\n",
        "Package: a\nStatus: install ok installed\nPackage: b\n",
        "Package: a\nStatus install ok installed\n",
    ])
    func damagedStatusFileIsNotGuessedAt(text: String) {
        #expect(DpkgStatus.parse(Array(text.utf8), packages: ["a", "b"]) == nil)
    }

    @Test func dpkgAdminDirectoryFollowsDpkgsOwnVariables() {
        #expect(DpkgStatus.adminDirectory(environment: [:]) == "/var/lib/dpkg")
        #expect(DpkgStatus.adminDirectory(environment: ["DPKG_ROOT": "/srv/chroot"]) == "/srv/chroot/var/lib/dpkg")
        #expect(DpkgStatus.adminDirectory(environment: ["DPKG_ROOT": "/srv/chroot", "DPKG_ADMINDIR": "/db"]) == "/db")
        #expect(DpkgStatus.adminDirectory(environment: ["DPKG_ADMINDIR": ""]) == "/var/lib/dpkg")
    }

    @Test func aDamagedStatusFileIsReportedThroughDpkgQuery() async throws {
        let (home, facts) = try Self.adminDirectory(status: "Package: git\nStatus: install ok installed\nPackage: curl\n")
        defer { _ = home }
        let runner = ScriptedProcessRunner([
            .init(prefix: ["dpkg-query"], status: 2, stderr: "dpkg-query: error: parsing file 'status' near line 3 package 'git':\n duplicate value for 'Package' field\n"),
        ])
        let config = try Self.load("tend: 1\nresources:\n  - type: apt\n    name: git\n")
        await #expect(throws: CommandError.self) {
            _ = try await AptPackage().refresh(config.resources, host: Self.machine(runner, facts: facts))
        }
        #expect(runner.commands.count == 1)
    }

    @Test func anUnreadableJournalDirectoryCountsAsPending() throws {
        // Listing fails for a file where a directory should be; only a missing directory means no journal.
        let home = try TemporaryHome()
        let notADirectory = try home.write("updates", "x")
        #expect(DpkgStatus.hasPendingJournal(notADirectory))
        #expect(!DpkgStatus.hasPendingJournal(home.path + "/missing"))
        try FileManager.default.createDirectory(atPath: home.path + "/empty", withIntermediateDirectories: true)
        #expect(!DpkgStatus.hasPendingJournal(home.path + "/empty"))
    }

    /// An admin directory in a temporary place holding `status`, and journal files when given.
    static func adminDirectory(status: String, journal: [String] = []) throws -> (TemporaryHome, HostFacts) {
        let home = try TemporaryHome()
        _ = try home.write("dpkg/status", status)
        try FileManager.default.createDirectory(atPath: home.path + "/dpkg/updates", withIntermediateDirectories: true)
        for name in journal { _ = try home.write("dpkg/updates/\(name)", "Package: x\n") }
        var facts = fixedHost
        facts.environment["DPKG_ADMINDIR"] = home.path + "/dpkg"
        return (home, facts)
    }

    @Test func aptRefreshReadsTheStatusFileWithoutAProcess() async throws {
        let (home, facts) = try Self.adminDirectory(status: Self.statusFile, journal: ["tmp.i"])
        defer { _ = home }
        let runner = ScriptedProcessRunner()
        let config = try Self.load(Self.aptConfig)
        let observations = try await AptPackage().refresh(config.resources, host: Self.machine(runner, facts: facts))
        #expect(runner.commands.isEmpty)
        #expect(observations[Self.address("apt:git")] == .present(["version": .string("1:2.39.5-0+deb12u2")]))
        #expect(observations[Self.address("apt:curl")] == .absent("not installed (its configuration files remain)"))
        #expect(observations[Self.address("apt:ripgrep")] == .absent("not installed"))
        #expect(observations[Self.address("apt:libc6:i386")] == .present(["version": .string("2.36-9+deb12u8")]))
        #expect(observations[Self.address("apt:zlib1g")] == .present(["version": .string("1:1.2.13.dfsg-1")]))
        #expect(observations[Self.address("apt:postgresql-client")] == .present(["version": .string("15.8-0+deb12u1")]))
    }

    @Test func aptRefreshAsksDpkgQueryWhileDpkgsJournalHasChanges() async throws {
        // dpkg was interrupted, or is running: the status file alone is out of date.
        let (home, facts) = try Self.adminDirectory(status: Self.statusFile, journal: ["0007"])
        defer { _ = home }
        let runner = ScriptedProcessRunner([.init(prefix: ["dpkg-query"], stdout: "git\tamd64\tinstall ok installed\t1:2.40.0-1\n")])
        let config = try Self.load("tend: 1\nresources:\n  - type: apt\n    name: git\n")
        let observations = try await AptPackage().refresh(config.resources, host: Self.machine(runner, facts: facts))
        #expect(runner.commands.map(\.arguments) == [["dpkg-query", "-W", "-f", AptPackage.format, "--", "git"]])
        #expect(observations[Self.address("apt:git")] == .present(["version": .string("1:2.40.0-1")]))
    }

    @Test(.enabled(if: hasDpkg, "needs dpkg"))
    func aptPinAgainstTheRealDpkg() async throws {
        let bashVersion = try await Self.run(["dpkg-query", "-W", "-f", "${Version}", "bash"]).output
        let major = try #require(bashVersion.split(separator: ".").first)
        let facts = HostFacts.current()
        let config = try Self.load("""
        tend: 1
        resources:
          - type: apt
            name: bash
            version: "\(major).*"
          - type: apt
            name: dpkg
            version: "0.1"
        """, host: facts)
        let host = Machine(facts: facts, runner: SystemProcessRunner(), isRoot: geteuid() == 0)
        let observations = try await AptPackage().refresh(config.resources, host: host)
        let plan = Planner(registry: TypeRegistry([AptPackage()]), home: facts.home)
            .plan(config: config, resources: config.resources, observations: observations)
        #expect(plan.unchanged.map(\.key) == ["bash"])
        let dpkgVersion = try await Self.run(["dpkg-query", "-W", "-f", "${Version}", "dpkg"]).output
        #expect(plan.changes.map(\.message) == ["Change package dpkg from \(dpkgVersion) to 0.1"])
        #expect(plan.changes.first?.operation == .modify)
    }

    // MARK: - brew, scripted

    // Homebrew is not installable on this machine, so these outputs are written in the exact format of
    // `brew list --versions` (Library/Homebrew/cmd/list.rb: "NAME V1 V2 ..." per rack, casks "TOKEN VERSION"),
    // not recorded from a live brew.
    static let brewFormulae = """
    ca-certificates 2024.03.11
    gettext 0.22.5
    git 2.45.1
    openssl@3 3.3.0 3.3.1
    python@3.12 3.12.3 3.12.10 3.12.4
    ripgrep 14.1.0
    terraform 1.8.4
    xz 5.4.6_1
    lonely-name-without-version
    Warning: not a formula line:

    """

    static let brewCasks = """
    firefox 126.0.1
    google-chrome 125.0.6422.142
    visual-studio-code 1.90.0
    zoom 6.0.11.35001

    """

    static let brewConfig = """
    tend: 1
    resources:
      - type: brew
        packages: [git, ripgrep, python@3.12, fd, hashicorp/tap/terraform, lonely-name-without-version]
      - type: brew
        name: openssl@3
        version: "3.3.0"
    """

    @Test func brewListsFormulaeOnceWithoutCasks() async throws {
        let runner = ScriptedProcessRunner([
            .init(prefix: ["brew", "list", "--versions", "--formula"], stdout: Self.brewFormulae),
        ])
        let resources = try Self.resources(Self.brewConfig)
        let observations = try await BrewPackage(fallbackExecutables: []).refresh(resources, host: Self.machine(runner))

        #expect(runner.commands.map(\.arguments) == [["brew", "list", "--versions", "--formula"]])
        #expect(observations[Self.address("brew:git")] == .present(["version": .string("2.45.1"), "cask": .bool(false)]))
        // Several versions: the newest, by numbers rather than text.
        #expect(observations[Self.address("brew:python@3.12")]?.parameters["version"] == .string("3.12.10"))
        // ...unless the pin asks for one that is installed.
        #expect(observations[Self.address("brew:openssl@3")]?.parameters["version"] == .string("3.3.0"))
        #expect(observations[Self.address("brew:hashicorp/tap/terraform")]?.parameters["version"] == .string("1.8.4"))
        #expect(observations[Self.address("brew:fd")] == .absent("not installed"))
        #expect(observations[Self.address("brew:lonely-name-without-version")] == .absent("not installed"))
        #expect(observations.count == resources.count)
    }

    @Test func brewListsCasksOnlyWhenTheConfigHasThem() async throws {
        let runner = ScriptedProcessRunner([
            .init(prefix: ["brew", "list", "--versions", "--formula"], stdout: Self.brewFormulae),
            .init(prefix: ["brew", "list", "--versions", "--cask"], stdout: Self.brewCasks),
        ])
        let resources = try Self.resources("""
        tend: 1
        resources:
          - type: brew
            packages: [git, jq]
          - type: brew
            packages: [firefox, visual-studio-code, slack]
            cask: true
        """)
        let observations = try await BrewPackage(fallbackExecutables: []).refresh(resources, host: Self.machine(runner))

        #expect(runner.commands.count == 2)
        #expect(Set(runner.commands.map { $0.arguments.last! }) == ["--formula", "--cask"])
        #expect(observations[Self.address("brew:firefox")] == .present(["version": .string("126.0.1"), "cask": .bool(true)]))
        #expect(observations[Self.address("brew:visual-studio-code")]?.parameters["version"] == .string("1.90.0"))
        #expect(observations[Self.address("brew:slack")] == .absent("not installed"))
        #expect(observations[Self.address("brew:jq")] == .absent("not installed"))
        #expect(observations[Self.address("brew:git")]?.exists == true)

        let onlyCasks = ScriptedProcessRunner([.init(prefix: ["brew", "list", "--versions", "--cask"], stdout: Self.brewCasks)])
        _ = try await BrewPackage(fallbackExecutables: []).refresh(resources.filter { $0.parameters["cask"] != nil },
                                                                   host: Self.machine(onlyCasks))
        #expect(onlyCasks.commands.map(\.arguments) == [["brew", "list", "--versions", "--cask"]])
    }

    @Test func brewCaskFailureLeavesFormulaeRead() async throws {
        let runner = ScriptedProcessRunner([
            .init(prefix: ["brew", "list", "--versions", "--formula"], stdout: Self.brewFormulae),
            .init(prefix: ["brew", "list", "--versions", "--cask"], status: 1,
                  stderr: "Error: Installing casks is supported only on macOS\n"),
        ])
        let resources = try Self.resources("""
        tend: 1
        resources:
          - type: brew
            name: git
          - type: brew
            name: firefox
            cask: true
        """)
        let observations = try await BrewPackage(fallbackExecutables: []).refresh(resources, host: Self.machine(runner))
        #expect(observations[Self.address("brew:git")]?.exists == true)
        #expect(observations[Self.address("brew:firefox")]
            == .absent("brew could not list casks: Error: Installing casks is supported only on macOS"))
    }

    @Test func brewMissingMakesEveryResourceAbsent() async throws {
        let runner = ScriptedProcessRunner()  // every launch fails, as when brew is not on PATH
        let resources = try Self.resources(Self.brewConfig + "\n  - type: brew\n    name: firefox\n    cask: true\n")
        let observations = try await BrewPackage(fallbackExecutables: []).refresh(resources, host: Self.machine(runner))
        #expect(observations.count == resources.count)
        #expect(observations.values.allSatisfy { $0 == .absent("brew is not installed") })
    }

    @Test func brewFallsBackToWhereHomebrewInstallsItself() async throws {
        let home = try TemporaryHome()
        let brew = try home.write("homebrew/bin/brew", "#!/bin/sh\n", mode: 0o755)
        let runner = ScriptedProcessRunner([.init(prefix: [brew, "list"], stdout: Self.brewFormulae)])
        let resources = try Self.resources("tend: 1\nresources:\n  - type: brew\n    name: git\n")
        let type = BrewPackage(fallbackExecutables: [home.path + "/nowhere/brew", brew])
        let observations = try await type.refresh(resources, host: Self.machine(runner))
        #expect(runner.commands.map { $0.arguments[0] } == ["brew", brew])
        #expect(observations[Self.address("brew:git")]?.parameters["version"] == .string("2.45.1"))
    }

    @Test func brewVersionOrder() {
        #expect(BrewPackage.isOlder("3.12.9", than: "3.12.10"))
        #expect(!BrewPackage.isOlder("3.12.10", than: "3.12.9"))
        #expect(BrewPackage.isOlder("5.4.6", than: "5.4.6_1"))
        #expect(BrewPackage.isOlder("1.0", than: "1.0.1"))
        #expect(BrewPackage.parse("git 2.45.1\n\nbad line:\nlibpq 16.3 HEAD-1a2b3c4\nwireshark latest\n")
            == ["git": ["2.45.1"], "libpq": ["16.3", "HEAD-1a2b3c4"], "wireshark": ["latest"]])
    }

    @Test func brewPlanSentences() throws {
        let yaml = """
        tend: 1
        resources:
          - type: brew
            name: ripgrep
          - type: brew
            name: firefox
            cask: true
          - type: brew
            name: python@3.12
            version: "3.12.4"
        """
        let plan = try Self.plan(yaml, type: BrewPackage(), observations: [
            Self.address("brew:python@3.12"): .present(["version": .string("3.12.3"), "cask": .bool(false)]),
        ])
        #expect(Self.change(plan, "brew:ripgrep")?.message == "Install formula ripgrep")
        #expect(Self.change(plan, "brew:firefox")?.message == "Install cask firefox")
        #expect(Self.change(plan, "brew:python@3.12")?.message == "Change formula python@3.12 from 3.12.3 to 3.12.4")
    }

    // MARK: - pip, scripted

    static let pipOutput = """
    [{"name": "certifi", "version": "2024.2.2"}, {"name": "PyYAML", "version": "6.0.1"}, \
    {"name": "zope.interface", "version": "6.4"}, {"name": "typing_extensions", "version": "4.12.2"}, \
    {"name": "httpie", "version": "3.2.2"}, {"name": "pip", "version": "24.0"}, {"name": 7}, {"version": "1.0"}, \
    {"name": "mypkg", "version": "0.1", "editable_project_location": "/home/me/src/mypkg"}]
    """

    @Test func pipListsEachInterpreterOnce() async throws {
        let runner = ScriptedProcessRunner([
            .init(matching: { $0.first == "python3" && !$0.contains("--user") }, stdout: Self.pipOutput),
            .init(matching: { $0.first == "python3" && $0.contains("--user") },
                  stdout: #"[{"name": "black", "version": "24.4.2"}]"#),
            .init(prefix: ["python3.12"], stdout: #"[{"name": "Black", "version": "23.1.0"}]"#),
        ])
        let resources = try Self.resources("""
        tend: 1
        resources:
          - type: pip
            packages: [pyyaml, Zope_Interface, typing-extensions, "httpie[socks]", requests, MyPkg]
          - type: pip
            packages: [black, pip]
            user: true
          - type: pip
            id: black312
            name: black
            python: python3.12
        """)
        let observations = try await PipPackage().refresh(resources, host: Self.machine(runner))

        #expect(runner.commands.count == 3)
        #expect(Set(runner.commands.map(\.arguments)) == [
            ["python3", "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
            ["python3", "-m", "pip", "list", "--format=json", "--disable-pip-version-check", "--user"],
            ["python3.12", "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        ])
        #expect(observations[Self.address("pip:pyyaml")] == .present([
            "version": .string("6.0.1"), "python": .string("python3"), "user": .bool(false),
        ]))
        #expect(observations[Self.address("pip:Zope_Interface")]?.parameters["version"] == .string("6.4"))
        #expect(observations[Self.address("pip:typing-extensions")]?.parameters["version"] == .string("4.12.2"))
        #expect(observations[Self.address("pip:httpie[socks]")]?.parameters["version"] == .string("3.2.2"))
        #expect(observations[Self.address("pip:MyPkg")]?.parameters["version"] == .string("0.1"))
        #expect(observations[Self.address("pip:requests")] == .absent("not installed for python3"))
        #expect(observations[Self.address("pip:black")] == .present([
            "version": .string("24.4.2"), "python": .string("python3"), "user": .bool(true),
        ]))
        // pip is installed for python3, but not in the user's site-packages.
        #expect(observations[Self.address("pip:pip")] == .absent("not installed for python3 (user)"))
        #expect(observations[Self.address("pip:black312")]?.parameters["version"] == .string("23.1.0"))
        #expect(observations.count == resources.count)
    }

    @Test func pipMissingInterpreterOrPip() async throws {
        let runner = ScriptedProcessRunner([
            .init(prefix: ["python3"], status: 1, stderr: "/usr/bin/python3: No module named pip\n"),
        ])
        let resources = try Self.resources("""
        tend: 1
        resources:
          - type: pip
            name: httpie
          - type: pip
            name: black
            python: python3.9
        """)
        let observations = try await PipPackage().refresh(resources, host: Self.machine(runner))
        #expect(observations[Self.address("pip:httpie")] == .absent("pip is not installed for python3"))
        #expect(observations[Self.address("pip:black")] == .absent("the interpreter python3.9 is not installed"))
    }

    @Test func pipUnreadableOutputIsAnError() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["python3"], stdout: "Package    Version\n---------- -------\n")])
        let resources = try Self.resources("tend: 1\nresources:\n  - type: pip\n    name: httpie\n")
        await #expect(throws: PackageQueryError.self) {
            _ = try await PipPackage().refresh(resources, host: Self.machine(runner))
        }
        #expect(PipPackage.normalized("Foo__Bar.-baz") == "foo-bar-baz")
    }

    @Test func pipPlanSentences() throws {
        let yaml = """
        tend: 1
        resources:
          - type: pip
            name: httpie
          - type: pip
            name: black
            version: "24.*"
            user: true
          - type: pip
            name: six
            ensure: absent
        """
        let plan = try Self.plan(yaml, type: PipPackage(), observations: [
            Self.address("pip:black"): .present(["version": .string("23.1.0"), "python": .string("python3"), "user": .bool(true)]),
            Self.address("pip:six"): .present(["version": .string("1.16.0"), "python": .string("python3"), "user": .bool(false)]),
        ])
        #expect(Self.change(plan, "pip:httpie")?.message == "Install Python package httpie")
        #expect(Self.change(plan, "pip:black")?.message == "Change Python package black from 23.1.0 to 24.*")
        #expect(Self.change(plan, "pip:black")?.operation == .modify)
        #expect(Self.change(plan, "pip:six")?.message == "Remove Python package six")
    }

    // MARK: - pip, real

    static let realEnvironment = ProcessInfo.processInfo.environment

    @Test func pipRefreshAgainstTheRealPip() async throws {
        let runner = SystemProcessRunner()
        let probe = try await runner.run(Command([
            "python3", "-c", "import importlib.metadata as m; print(m.version('pip'))",
        ]))
        try #require(probe.succeeded, "python3 with pip is needed: \(probe.errorOutput)")
        let pipVersion = probe.output.trimmingCharacters(in: .whitespacesAndNewlines)

        let facts = HostFacts.current()
        let config = try Self.load("""
        tend: 1
        resources:
          - type: pip
            packages: [PIP, tend-surely-missing-package-4f2a]
          - type: pip
            name: pip
            id: pip-elsewhere
            python: python-tend-missing-interpreter
        """, host: facts)
        let counting = CountingRunner(runner)
        let host = Machine(facts: facts, runner: counting, isRoot: geteuid() == 0)
        let observations = try await PipPackage().refresh(config.resources, host: host)

        #expect(counting.count == 2)  // one listing for python3, one failed launch for the missing interpreter
        #expect(observations[Address(type: "pip", key: "PIP")] == .present([
            "version": .string(pipVersion), "python": .string("python3"), "user": .bool(false),
        ]))
        #expect(observations[Address(type: "pip", key: "tend-surely-missing-package-4f2a")]
            == .absent("not installed for python3"))
        #expect(observations[Address(type: "pip", key: "pip-elsewhere")]
            == .absent("the interpreter python-tend-missing-interpreter is not installed"))
    }

    @Test func pipUserListingAgainstTheRealPip() async throws {
        // An empty HOME has an empty user site-packages: pip is installed, but not for the user there.
        let home = try TemporaryHome()
        var environment = Self.realEnvironment
        environment["PYTHONUSERBASE"] = nil
        let host = home.host(environment: environment)
        let config = try Self.load("""
        tend: 1
        resources:
          - type: pip
            name: pip
            user: true
        """, host: host.facts)
        let observations = try await PipPackage().refresh(config.resources, host: host)
        #expect(observations[Address(type: "pip", key: "pip")] == .absent("not installed for python3 (user)"))
    }

    // MARK: - pipx, scripted

    /// `pipx list --json` recorded from pipx 1.18.4 after `pipx install cowsay` and
    /// `pipx install --suffix=_old cowsay==5.0`, with PIPX_HOME in a temporary directory.
    static let pipxOutput = """
    {
        "pipx_spec_version": "0.1",
        "venvs": {
            "cowsay": {
                "metadata": {
                    "backend": "pip",
                    "environment": "cowsay",
                    "exposure_enabled": true,
                    "injected_packages": {},
                    "main_package": {
                        "app_paths": [
                            {
                                "__Path__": "/tmp/pipx-rec/home/venvs/cowsay/bin/cowsay",
                                "__type__": "Path"
                            }
                        ],
                        "app_paths_of_dependencies": {},
                        "apps": [
                            "cowsay"
                        ],
                        "apps_of_dependencies": [],
                        "include_apps": true,
                        "include_dependencies": false,
                        "man_pages": [],
                        "package": "cowsay",
                        "package_or_url": "cowsay",
                        "package_version": "6.1",
                        "pinned": false,
                        "pip_args": [],
                        "suffix": ""
                    },
                    "pipx_metadata_version": "0.12",
                    "python_version": "Python 3.11.7",
                    "source_interpreter": {
                        "__Path__": "/root/.pyenv/versions/3.11.7/bin/python3.11",
                        "__type__": "Path"
                    },
                    "venv_args": []
                }
            },
            "cowsay-old": {
                "metadata": {
                    "main_package": {
                        "package": "cowsay",
                        "package_or_url": "cowsay==5.0",
                        "package_version": "5.0",
                        "suffix": "_old"
                    },
                    "pipx_metadata_version": "0.12",
                    "python_version": "Python 3.11.7",
                    "source_interpreter": {
                        "__Path__": "/root/.pyenv/versions/3.11.7/bin/python3.11",
                        "__type__": "Path"
                    }
                }
            },
            "damaged": {
                "metadata": {}
            }
        }
    }
    """

    @Test func pipxReadsEveryEnvironmentFromOneListing() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["pipx", "list", "--json"], stdout: Self.pipxOutput)])
        let resources = try Self.resources("""
        tend: 1
        resources:
          - type: pipx
            packages: [Cowsay, poetry, damaged]
          - type: pipx
            name: cowsay
            id: cowsay-3.11
            python: python3.11
          - type: pipx
            name: cowsay
            id: cowsay-3.12
            python: python3.12
          - type: pipx
            name: cowsay
            id: cowsay-path
            python: /root/.pyenv/versions/3.11.7/bin/python3.11
        """)
        let observations = try await PipxPackage().refresh(resources, host: Self.machine(runner))

        #expect(runner.commands.map(\.arguments) == [["pipx", "list", "--json"]])
        // The unsuffixed environment is the one `pipx install cowsay` manages.
        #expect(observations[Self.address("pipx:Cowsay")] == .present([
            "version": .string("6.1"), "python": .string("/root/.pyenv/versions/3.11.7/bin/python3.11"),
        ]))
        #expect(observations[Self.address("pipx:poetry")] == .absent("not installed"))
        #expect(observations[Self.address("pipx:damaged")] == .absent("not installed"))
        #expect(observations[Self.address("pipx:cowsay-3.11")]?.parameters["python"] == .string("python3.11"))
        #expect(observations[Self.address("pipx:cowsay-3.12")]?.parameters["python"]
            == .string("/root/.pyenv/versions/3.11.7/bin/python3.11"))
        #expect(observations[Self.address("pipx:cowsay-path")]?.parameters["python"]
            == .string("/root/.pyenv/versions/3.11.7/bin/python3.11"))

        let environments = try PipxPackage.parse(Self.pipxOutput, command: Command(["pipx", "list", "--json"]))
        #expect(environments.map(\.name) == ["cowsay", "cowsay-old"])
        #expect(environments.last?.suffix == "_old")
        #expect(environments.last?.version == "5.0")
    }

    @Test func pipxPlanRebuildsForAnotherInterpreter() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["pipx"], stdout: Self.pipxOutput)])
        let yaml = """
        tend: 1
        resources:
          - type: pipx
            name: cowsay
            python: python3.12
            version: "6.*"
        """
        let observations = try await PipxPackage().refresh(try Self.resources(yaml), host: Self.machine(runner))
        let plan = try Self.plan(yaml, type: PipxPackage(), observations: observations)
        #expect(plan.changes.first?.operation == .recreate)
        #expect(plan.changes.first?.message == "Reinstall pipx package cowsay: python")
    }

    @Test func pipxMissingOrUnreadable() async throws {
        let resources = try Self.resources("tend: 1\nresources:\n  - type: pipx\n    packages: [poetry, ruff]\n")
        let missing = try await PipxPackage().refresh(resources, host: Self.machine(ScriptedProcessRunner()))
        #expect(missing.count == 2)
        #expect(missing.values.allSatisfy { $0 == .absent("pipx is not installed") })

        let empty = ScriptedProcessRunner([.init(prefix: ["pipx"], stdout: #"{"pipx_spec_version": "0.1", "venvs": {}}"#)])
        let none = try await PipxPackage().refresh(resources, host: Self.machine(empty))
        #expect(none.values.allSatisfy { $0 == .absent("not installed") })

        let garbage = ScriptedProcessRunner([.init(prefix: ["pipx"], stdout: "nothing has been installed with pipx 😴\n")])
        await #expect(throws: PackageQueryError.self) {
            _ = try await PipxPackage().refresh(resources, host: Self.machine(garbage))
        }
        let failing = ScriptedProcessRunner([.init(prefix: ["pipx"], status: 1, stderr: "boom\n")])
        await #expect(throws: CommandError.self) {
            _ = try await PipxPackage().refresh(resources, host: Self.machine(failing))
        }
    }
}

/// Counts the commands a real runner runs, so a real test can check that refresh made one query.
private final class CountingRunner: ProcessRunner, @unchecked Sendable {
    private let base: any ProcessRunner
    private let lock = NSLock()
    private var started = 0

    init(_ base: any ProcessRunner) {
        self.base = base
    }

    var count: Int { lock.withLock { started } }

    func run(_ command: Command) async throws -> CommandResult {
        lock.withLock { started += 1 }
        return try await base.run(command)
    }
}
