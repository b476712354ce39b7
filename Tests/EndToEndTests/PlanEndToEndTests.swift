import Foundation
import Testing
import TendCore
import TendTestSupport

@Suite struct PlanEndToEndTests {
    /// A config over real files in the temporary home and real Debian packages: one installed, one not.
    static func writeConfig(_ home: TemporaryHome) throws {
        try home.write("dotfiles/vimrc", "set number\n")
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: apt
                packages: [bash, tend-surely-not-a-package]
              - type: file
                path: ~/notes.txt
                content: |
                  one
                  two
                  three
                mode: "0600"
              - type: file
                path: ~/same.txt
                content: "same\\n"
              - type: symlink
                path: ~/.vimrc
                target: ./dotfiles/vimrc
              - type: directory
                path: ~/src
              - type: alias
                name: gs
                value: git status
                tags: [shell]
            """)
        try home.write("notes.txt", "one\n2\nthree\n", mode: 0o644)
        try home.write("same.txt", "same\n")
        // fish is in use whether or not it is installed here, so the alias implies the same shell hooks everywhere.
        try home.write(".config/fish/config.fish", "")
    }

    /// A bash user, whatever shell runs the tests: the alias implies hooks in ~/.bashrc and ~/.profile.
    static let environment = ["SHELL": "/bin/bash"]

    @Test func textPlanOfRealFilesAndPackages() async throws {
        let home = try TemporaryHome()
        try Self.writeConfig(home)
        let output = try await TendBinary(home: home, environment: Self.environment).run(["plan"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.isEmpty)
        let text = output.stdout
        #expect(text.contains("+ apt:tend-surely-not-a-package\n    Install package tend-surely-not-a-package (not installed)"))
        #expect(!text.contains("apt:bash"))
        #expect(!text.contains("file:~/same.txt"))
        #expect(text.contains("~ file:~/notes.txt\n"))
        #expect(text.contains("    ~ mode: \"0644\" → \"0600\"\n"))
        #expect(text.contains("-2\n    +two\n"))
        #expect(text.contains("+ symlink:~/.vimrc"))
        #expect(text.contains("+ directory:~/src"))
        #expect(text.contains("+ alias:gs"))
        #expect(text.contains("+ shell-hook:~/.bashrc\n    Create ~/.bashrc with tend's block"))
        #expect(text.hasSuffix("Plan: 7 to create, 1 to modify, 0 to recreate, 0 to destroy, 0 to release; 2 unchanged.\n"))
        let snapshot = text.replacingOccurrences(of: home.path, with: "$HOME")
        #expect(Snapshot.mismatch(snapshot, named: "plan-real.txt") == nil)
    }

    @Test func planChangesNothing() async throws {
        let home = try TemporaryHome()
        try Self.writeConfig(home)
        let before = try FileManager.default.subpathsOfDirectory(atPath: home.path).sorted()
        let notes = try String(contentsOfFile: home.path + "/notes.txt", encoding: .utf8)
        _ = try await TendBinary(home: home).run(["plan"])
        #expect(try FileManager.default.subpathsOfDirectory(atPath: home.path).sorted() == before)
        #expect(try String(contentsOfFile: home.path + "/notes.txt", encoding: .utf8) == notes)
    }

    @Test func jsonAndMarkdownFormats() async throws {
        let home = try TemporaryHome()
        try Self.writeConfig(home)
        let tend = TendBinary(home: home, environment: Self.environment)
        let json = try await tend.run(["plan", "--json"])
        let formatJSON = try await tend.run(["plan", "--format", "json"])
        #expect(json.stdout == formatJSON.stdout)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(parsed?["formatVersion"] as? Int == 1)
        #expect((parsed?["configDigest"] as? String)?.hasPrefix("sha256:") == true)
        let summary = parsed?["summary"] as? [String: Int]
        #expect(summary == ["create": 7, "modify": 1, "recreate": 0, "destroy": 0, "release": 0, "unchanged": 2])
        let changes = parsed?["changes"] as? [[String: Any]] ?? []
        #expect(changes.map { $0["address"] as? String } == ["apt:tend-surely-not-a-package", "file:~/notes.txt",
                                                               "symlink:~/.vimrc", "directory:~/src", "alias:gs",
                                                               "shell-hook:~/.bashrc", "shell-hook:~/.profile",
                                                               "shell-hook:~/.config/fish/conf.d/tend.fish"])
        let markdown = try await tend.run(["plan", "--format", "markdown"])
        #expect(markdown.stdout.contains("| create | `apt:tend-surely-not-a-package` | Install package tend-surely-not-a-package"))
        #expect(markdown.stdout.contains("```diff\n--- ~/notes.txt (current)"))
    }

    @Test func detailedExitCodeAndNoChanges() async throws {
        let home = try TemporaryHome()
        try home.write("same.txt", "same\n")
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: file, path: ~/same.txt, content: \"same\\n\"}\n  - {type: apt, name: bash}\n")
        let tend = TendBinary(home: home)
        let clean = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(clean.status == 0)
        #expect(clean.stdout == "No changes: this machine matches tend.yaml.\n")
        try home.write("same.txt", "drifted\n")
        let drifted = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(drifted.status == 2)
        let broken = try await TendBinary(home: home).run(["plan", "--detailed-exitcode", "-c", "missing.yaml"])
        #expect(broken.status == 1)
    }

    @Test func targetAndTagSelect() async throws {
        let home = try TemporaryHome()
        try Self.writeConfig(home)
        let tend = TendBinary(home: home)
        let target = try await tend.run(["plan", "--target", "file:\(home.path)/notes.txt"])
        #expect(target.stdout.contains("~ file:~/notes.txt"))
        #expect(!target.stdout.contains("alias:gs"))
        let tag = try await tend.run(["plan", "--tag", "shell"])
        #expect(tag.stdout.contains("+ alias:gs"))
        #expect(!tag.stdout.contains("file:"))
        let unknown = try await tend.run(["plan", "--target", "file:~/nope.txt"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("--target file:~/nope.txt is not a resource of this config"))
    }

    @Test func savedPlanFile() async throws {
        let home = try TemporaryHome()
        try Self.writeConfig(home)
        let output = try await TendBinary(home: home).run(["plan", "--out", "plan.json"])
        #expect(output.status == 0)
        #expect(output.stderr.contains("Saved the plan to plan.json"))
        let path = home.path + "/plan.json"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect(saved?["config"] as? String == home.path + "/tend.yaml")
        let changes = saved?["changes"] as? [[String: Any]] ?? []
        #expect(changes.allSatisfy { ($0["fingerprint"] as? String)?.hasPrefix("sha256:") == true })
    }

    @Test func sensitiveValuesNeverPrinted() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: env
                name: API_TOKEN
                value: ${env.TEND_TEST_SECRET}
                sensitive: [value]
            """)
        let tend = TendBinary(home: home, environment: ["TEND_TEST_SECRET": "s3cr3t-value-42"])
        for format in ["text", "json", "markdown"] {
            let output = try await tend.run(["plan", "--format", format, "--out", "p-\(format).json"])
            #expect(!output.stdout.contains("s3cr3t-value-42"))
            #expect(output.stdout.contains("(sensitive)"))
            let saved = try String(contentsOfFile: home.path + "/p-\(format).json", encoding: .utf8)
            #expect(!saved.contains("s3cr3t-value-42"))
        }
    }
}
