import Foundation
import Testing
import TendCore
import TendTestSupport

/// Item 6 of the rough edges: env values, diff headers and the missing-newline marker.
@Suite struct RoughEdgesDiffEndToEndTests {
    @Test func envValueUnderHomeIsExpandedLikeAPathEntry() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: env
                name: GOPATH
                value: ~/go
              - type: path
                directory: ~/go/bin
            """)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let plan = try await tend.run(["plan"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Set GOPATH=\(home.path)/go"), "\(plan.stdout)")
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        let profile = try String(contentsOfFile: home.path + "/.config/tend/profile.sh", encoding: .utf8)
        #expect(profile.contains("\(home.path)/go"), "\(profile)")
        #expect(!profile.contains("~/go"), "\(profile)")
        #expect(try await tend.run(["plan"]).stdout.contains("No changes"))
    }

    @Test func fileDiffNamesTheDeclaringConfigAndTheSideWithoutANewline() async throws {
        let home = try TemporaryHome()
        try home.write("conf/dots.yaml", """
            tend: 1
            resources:
              - type: file
                path: ~/notes.txt
                content: "one\\ntwo\\n"
            """)
        try home.write("notes.txt", "one\ntwo")
        let output = try await TendBinary(home: home).run(["plan", "-c", "conf/dots.yaml"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("+++ ~/notes.txt (dots.yaml)"), "\(output.stdout)")
        #expect(!output.stdout.contains("tend.yaml"))
        #expect(output.stdout.contains("     one\n    -two\n    \\ No newline at end of file\n    +two\n"), "\(output.stdout)")
    }
}
