import Foundation
import Testing
import TendTestSupport

@Suite struct ValidateEndToEndTests {
    @Test func examplesAreValid() async throws {
        let home = try TemporaryHome()
        let tend = TendBinary(home: home)
        for example in ["minimal.yaml", "workstation.yaml"] {
            let output = try await tend.run(["validate", "-c", TendBinary.packageRoot + "/examples/" + example])
            #expect(output.status == 0, "\(example): \(output.stderr)")
            #expect(output.stdout.contains(": valid, "))
            #expect(output.stderr.isEmpty)
        }
    }

    @Test func brokenConfigPrintsEveryProblemWithCaretsAndExits1() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: aptt
                name: git
              - type: file
                path: ~/x
                contents: hi
            """)
        let output = try await TendBinary(home: home).run(["validate"])
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr == """
            tend.yaml:3:11: error: unknown type 'aptt' (did you mean 'apt'?)
                - type: aptt
                        ^
              hint: run 'tend types' to list the types
            tend.yaml:7:5: error: unknown parameter 'contents' for type file (did you mean 'content'?)
                  contents: hi
                  ^
              hint: run 'tend types file' to see its parameters
            2 errors in tend.yaml

            """)
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 2\n")
        let plain = try await TendBinary(home: home).run(["validate"])
        #expect(!plain.stderr.contains("\u{1B}["))
        let noColor = try await TendBinary(home: home, environment: ["NO_COLOR": "1"]).run(["validate"])
        #expect(!noColor.stderr.contains("\u{1B}["))
        #expect(noColor.stderr.contains("unsupported format version '2'; this tend reads version 1"))
    }

    @Test func missingConfigIsAClearError() async throws {
        let home = try TemporaryHome()
        let output = try await TendBinary(home: home).run(["validate", "-c", "nope.yaml"])
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("tend: error: config file 'nope.yaml' not found\n"))
    }

    @Test func defaultConfigIsFoundInXDGConfigHome() async throws {
        let home = try TemporaryHome()
        try home.write(".config/tend/tend.yaml", "tend: 1\nresources:\n  - {type: alias, name: x, value: y}\n")
        let output = try await TendBinary(home: home).run(["validate"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("tend.yaml: valid, 1 resource"))
    }

    @Test func typesAndSchemaAndVersion() async throws {
        let home = try TemporaryHome()
        let tend = TendBinary(home: home)
        let types = try await tend.run(["types"])
        #expect(types.status == 0)
        for name in ["apt", "brew", "pip", "pipx", "file", "directory", "symlink", "alias", "path", "env", "git-config",
                     "git-clone", "ssh-key", "script"] {
            #expect(types.stdout.contains("\n  \(name) "), "\(name) missing from tend types")
        }
        let file = try await tend.run(["types", "file"])
        #expect(file.stdout.contains("content  the file's exact text"))
        #expect(file.stdout.contains("Example:\n  - type: file"))
        let unknown = try await tend.run(["types", "fiel"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown type 'fiel' (did you mean 'file'?)"))
        // Two processes, so two hash seeds: a schema whose key order came from a dictionary would differ.
        let schema = try await tend.run(["schema"])
        let again = try await tend.run(["schema"])
        #expect(schema.status == 0 && again.status == 0, "\(schema.stderr)\(again.stderr)")
        let checkedIn = try String(contentsOfFile: TendBinary.packageRoot + "/resources/schema/tend.schema.json", encoding: .utf8)
        #expect(schema.stdout == checkedIn)
        #expect(again.stdout == checkedIn)
        let version = try await tend.run(["--version"])
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test func everyCommandHasHelpWithExamples() async throws {
        let home = try TemporaryHome()
        for command in ["validate", "plan", "apply", "destroy", "state", "state list", "state show", "state forget",
                        "history", "report", "recover", "types", "schema", "doctor"] {
            let output = try await TendBinary(home: home).run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(output.status == 0)
            #expect(output.stdout.contains("Examples:"), "\(command) --help has no examples")
        }
    }
}
