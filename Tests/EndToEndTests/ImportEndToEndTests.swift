import Foundation
import Testing
import TendCore
import TendTestSupport

/// `tend import` and `tend init` through the built binary: what they write plans as a no-op on this machine,
/// and a merge adds only what the file lacks, keeping every other byte.
@Suite struct ImportEndToEndTests {
    static let gitConfig = """
    [user]
        name = Ada Lovelace
        email = ada@example.com
    [alias]
        st = status --short
    [core]
        autocrlf = false
    """

    @Test func importAptThenPlanIsANoOpOnThisMachine() async throws {
        let home = try TemporaryHome()
        let tend = TendBinary(home: home)
        let imported = try await tend.run(["import", "apt"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("tend import: apt: "))
        let path = try home.write("packages.yaml", imported.stdout)
        let plan = try await tend.run(["plan", "--detailed-exitcode", "-c", path])
        #expect(plan.status == 0, "plan of the imported packages is not a no-op:\n\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("No changes"))
        // Every package apt-mark calls manual is in the file.
        let aptMark = try await SystemProcessRunner(baseEnvironment: ProcessInfo.processInfo.environment)
            .run(Command(["apt-mark", "showmanual"]))
        let first = try #require(aptMark.output.split(separator: "\n").first.map(String.init))
        #expect(imported.stdout.contains("- \(first.split(separator: ":")[0])"))
    }

    @Test func mergeShowsTheDiffAsksAndAddsOnlyWhatTheFileLacks() async throws {
        let home = try TemporaryHome()
        let global = try home.write(".gitconfig", Self.gitConfig)
        let tend = TendBinary(home: home, environment: ["GIT_CONFIG_GLOBAL": global])
        let original = """
        # yaml-language-server: $schema=./tend.schema.json
        tend: 1

        resources:
          # who I am
          - type: git-config
            key: user.name
            value: 'Ada Lovelace'   # quoted on purpose

        # later
        vars:
          editor: vim

        """
        let config = try home.write("tend.yaml", original)

        let refused = try await tend.run(["import", "git-config", "--merge", config])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("+  - type: git-config"), "\(refused.stdout)")
        #expect(refused.stdout.contains("+    key: user.email"))
        #expect(refused.stdout.contains("pass --yes"))
        #expect(try String(contentsOfFile: config, encoding: .utf8) == original)

        let merged = try await tend.run(["import", "git-config", "--merge", config, "--yes"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("3 resources added"), "\(merged.stdout)")
        let after = try String(contentsOfFile: config, encoding: .utf8)
        // The original bytes are all there, in order, with the new items between the last item and `# later`.
        let inserted = try #require(after.range(of: "  - type: git-config\n    key: alias.st"))
        let end = try #require(after.range(of: "\n# later"))
        var rest = after
        rest.removeSubrange(inserted.lowerBound..<end.lowerBound)
        #expect(rest == original)
        #expect(after.contains("    value: status --short\n"))

        let plan = try await tend.run(["plan", "--detailed-exitcode", "-c", config])
        // The config sets four keys that are all set already: nothing to do.
        #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")

        let again = try await tend.run(["import", "git-config", "--merge", config])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already declares everything import found"))
        #expect(try String(contentsOfFile: config, encoding: .utf8) == after)
    }

    @Test func initWritesAStarterConfigThatPlansAsANoOpAndNeverOverwrites() async throws {
        let home = try TemporaryHome()
        let global = try home.write(".gitconfig", Self.gitConfig)
        let tend = TendBinary(home: home, environment: ["GIT_CONFIG_GLOBAL": global])
        let directory = home.path + "/dotfiles"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let first = try await tend.run(["init"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Wrote tend.yaml with 4 resources"))
        let text = try String(contentsOfFile: directory + "/tend.yaml", encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=./tend.schema.json\n"))
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/tend.schema.json")))
        #expect((schema as? [String: Any])?["$schema"] != nil)

        let plan = try await tend.run(["plan", "--detailed-exitcode"], in: directory)
        #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")

        let second = try await tend.run(["init"], in: directory)
        #expect(second.status == 1)
        #expect(second.stderr.contains("tend.yaml already exists; to add what this machine has to it, run 'tend import --merge tend.yaml'"))
        #expect(try String(contentsOfFile: directory + "/tend.yaml", encoding: .utf8) == text)
    }

    @Test func unknownAndNonImportableTypesAreUsageErrorsWithAHint() async throws {
        let home = try TemporaryHome()
        let tend = TendBinary(home: home)
        let typo = try await tend.run(["import", "aptt"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("unknown type 'aptt' (did you mean 'apt'?)"))
        let file = try await tend.run(["import", "file"])
        #expect(file.status == 64)
        #expect(file.stderr.contains("type file cannot list what this machine has"))
    }

    static let hasPipx = FileManager.default.isExecutableFile(atPath: "/usr/bin/pipx")
        || (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/pipx") }

    /// A real pipx environment (a small package from PyPI) made outside tend is imported, and the import plans
    /// as a no-op.
    @Test(.enabled(if: hasPipx, "pipx is not on PATH (.ci/run installs it from PyPI)"))
    func importPipxThenPlanIsANoOp() async throws {
        let home = try TemporaryHome()
        let pipxEnvironment = ["PIPX_HOME": home.path + "/.local/pipx", "PIPX_BIN_DIR": home.path + "/.local/bin",
                               "PIPX_MAN_DIR": home.path + "/.local/share/man"]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(pipxEnvironment) { _, new in new }
        environment["HOME"] = home.path
        let installed = try await SystemProcessRunner(baseEnvironment: environment)
            .run(Command(["pipx", "install", "pycowsay"], timeout: 600))
        try #require(installed.succeeded, "pipx install pycowsay failed: \(installed.errorOutput)")

        let tend = TendBinary(home: home, environment: pipxEnvironment)
        let imported = try await tend.run(["import", "pipx"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("- type: pipx\n    name: pycowsay\n"), "\(imported.stdout)")
        let path = try home.write("tools.yaml", imported.stdout)
        let plan = try await tend.run(["plan", "--detailed-exitcode", "-c", path])
        #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
    }
}
