import Foundation
import Testing
import TendCore
import TendTestSupport
@testable import TendResources

/// What the built-in types list for `tend import`, from real files in a temporary home.
@Suite struct ImportInventoryTests {
    static let status = """
    Package: git
    Status: install ok installed
    Architecture: amd64
    Version: 1:2.39.5-0+deb12u1

    Package: libc6
    Status: install ok installed
    Architecture: i386
    Version: 2.36-9

    Package: libc6
    Status: install ok installed
    Architecture: amd64
    Version: 2.36-9

    Package: tzdata
    Status: install ok installed
    Architecture: all
    Version: 2024a

    Package: gone
    Status: deinstall ok config-files
    Architecture: amd64
    Version: 1.0

    Package: ripgrep
    Status: install ok installed
    Architecture: amd64
    Version: 13.0.0

    """

    static let extendedStates = """
    Package: libc6
    Architecture: amd64
    Auto-Installed: 1

    Package: tzdata
    Architecture: amd64
    Auto-Installed: 1

    Package: ripgrep
    Architecture: amd64
    Auto-Installed: 0

    """

    @Test func aptListsInstalledPackagesNotMarkedAutomaticWithForeignArchitecturesQualified() throws {
        let records = try #require(DpkgStatus.parse(Array(Self.status.utf8), packages: nil))
        let automatic = AptPackage.automaticallyInstalled(Array(Self.extendedStates.utf8))
        #expect(automatic == ["libc6:amd64", "tzdata:amd64"])
        // tzdata is `all` but apt marks it under the native architecture; `gone` left only its config files.
        #expect(AptPackage.manualNames(records, automatic: automatic, nativeArchitecture: "amd64")
                == ["git", "libc6:i386", "ripgrep"])
    }

    @Test func aptInventoryOfThisMachineAgreesWithAptMark() async throws {
        let status = try #require(FileSystem().read("/var/lib/dpkg/status"), "this test reads a real dpkg status file")
        #expect(!status.isEmpty)
        let home = try TemporaryHome()
        let host = home.host()
        let listed = try await AptPackage().inventory(host: host).compactMap { $0.parameters["name"]?.stringValue }
        let result = try await SystemProcessRunner(baseEnvironment: ProcessInfo.processInfo.environment)
            .run(Command(["apt-mark", "showmanual"]))
        let native = try await SystemProcessRunner(baseEnvironment: ProcessInfo.processInfo.environment)
            .run(Command(["dpkg", "--print-architecture"])).output.trimmingCharacters(in: .whitespacesAndNewlines)
        // apt-mark prints foreign packages as name:arch and native ones bare, as the config names them.
        let aptMark = result.output.split(separator: "\n").map(String.init)
            .map { $0.hasSuffix(":" + native) ? String($0.dropLast(native.count + 1)) : $0 }
        #expect(listed == aptMark.sorted())
    }

    @Test func gitConfigListsSingleValuedKeysAndMarksSecretsSensitive() async throws {
        let home = try TemporaryHome()
        let global = try home.write(".gitconfig", """
        [user]
            name = Ada Lovelace
            email = ada@example.com
        [remote "origin"]
            fetch = +refs/heads/*:refs/remotes/origin/*
            fetch = +refs/tags/*:refs/tags/*
        [github]
            token = s3cret
        [core]
            bare
        """)
        let host = home.host(environment: ["GIT_CONFIG_GLOBAL": global])
        let found = try await GitConfigResource().inventory(host: host)
        let byKey = Dictionary(uniqueKeysWithValues: found.map { ($0.parameters["key"]!.stringValue!, $0.parameters) })
        #expect(Set(byKey.keys) == ["user.name", "user.email", "github.token", "core.bare"])
        #expect(byKey["user.name"]?["value"] == .string("Ada Lovelace"))
        #expect(byKey["core.bare"]?["value"] == .string("true"))
        #expect(byKey["github.token"]?["sensitive"] == .list([.string("value")]))
        #expect(byKey["user.email"]?["sensitive"] == nil)
    }
}

/// brew cannot run here: its import is checked against output in the form Homebrew prints it (`brew leaves`
/// prints one full name per line, tap-qualified for tapped formulae; `brew list --versions --cask` prints
/// `NAME VERSION...`).
@Suite struct BrewImportTests {
    @Test func formulaeInstalledOnRequestAndEveryCask() async throws {
        let runner = ScriptedProcessRunner([
            .init(prefix: ["brew", "leaves", "--installed-on-request"],
                  stdout: "git\nhashicorp/tap/terraform\nripgrep\n"),
            .init(prefix: ["brew", "list", "--versions", "--cask"],
                  stdout: "firefox 128.0.3\nvisual-studio-code 1.91.1\n"),
        ])
        let home = try TemporaryHome()
        let found = try await BrewPackage().inventory(host: home.host(runner: runner))
        #expect(found.map(\.parameters) == [
            ["name": .string("git")], ["name": .string("hashicorp/tap/terraform")], ["name": .string("ripgrep")],
            ["name": .string("firefox"), "cask": .bool(true)],
            ["name": .string("visual-studio-code"), "cask": .bool(true)],
        ])
    }

    @Test func aMissingBrewIsACauseNotACrash() async throws {
        let home = try TemporaryHome()
        let host = home.host(environment: ["PATH": home.path + "/empty"])
        await #expect(throws: (any Error).self) { try await BrewPackage().inventory(host: host) }
    }
}
