import Foundation
import Testing
import TendCore
import TendTestSupport

/// Item 8 of the rough edges: values only apply can know, and a first run without a config.
@Suite struct RoughEdgesFirstRunEndToEndTests {
    @Test func outputsReferenceIsKnownAfterApplyInPlanAndDiff() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: file
                path: ~/a.txt
                content: "a\\n"
              - type: file
                path: ~/b.txt
                content: "sum ${outputs.file:~/a.txt.sha256}\\n"
              - type: alias
                name: sum
                value: "echo ${outputs.file:~/a.txt.sha256}"
            """)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        for format in ["text", "markdown"] {
            let output = try await tend.run(["plan", "--format", format])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(!output.stdout.contains("${outputs."), "\(output.stdout)")
            #expect(output.stdout.contains("+sum (known after apply)"), "\(output.stdout)")
            #expect(output.stdout.contains("Add alias sum='echo (known after apply)'"), "\(output.stdout)")
        }
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        let written = try String(contentsOfFile: home.path + "/b.txt", encoding: .utf8)
        // The digest of "a\n", which apply fills in once ~/a.txt is written.
        #expect(written == "sum sha256:87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7\n", "\(written)")
    }

    @Test func missingConfigPointsAtWhatAnInstalledTendHas() async throws {
        let home = try TemporaryHome()
        let output = try await TendBinary(home: home).run(["plan"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("config file 'tend.yaml' not found"), "\(output.stderr)")
        #expect(output.stderr.contains("'tend types'"), "\(output.stderr)")
        #expect(!output.stderr.contains("examples/"), "\(output.stderr)")
    }
}
