import Foundation
import Testing
import TendTestSupport

/// Control characters in ids and values are shown as escapes: a config cannot make a plan show a line it
/// does not contain, clear the screen, or retitle the terminal.
@Suite struct EscapeEndToEndTests {
    static let forged = "x\u{1B}[2J\u{1B}]0;pwned\u{07}\rEVIL\n+ fake line"

    static func expectNoForgery(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!text.contains("\u{1B}"), "\(what) holds a raw escape", sourceLocation: sourceLocation)
        #expect(!text.contains("\r"), "\(what) holds a raw carriage return", sourceLocation: sourceLocation)
        #expect(!text.contains("\u{07}"), "\(what) holds a raw bell", sourceLocation: sourceLocation)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.hasPrefix("+ fake") || $0.hasPrefix("EVIL") }, "\(what) shows a forged line:\n\(text)",
                sourceLocation: sourceLocation)
    }

    @Test func planShowsControlCharactersAsEscapes() async throws {
        let home = try TemporaryHome()
        // JSON strings are YAML double-quoted scalars with the same escapes.
        let quoted = String(decoding: try JSONEncoder().encode(Self.forged), as: UTF8.self)
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: script
                id: \(quoted)
                check: "false"
                create: "true"
              - type: env
                name: FORGED
                value: \(quoted)
            """)
        let tend = TendBinary(home: home)
        let plan = try await tend.run(["plan"])
        #expect(plan.status == 0, "\(plan.stderr)")
        Self.expectNoForgery(plan.stdout + plan.stderr, "the plan")
        #expect(plan.stdout.contains("\\e[2J\\e]0;pwned\\x07\\rEVIL\\n+ fake line"), "\(plan.stdout)")
        let markdown = try await tend.run(["plan", "--format", "markdown"])
        Self.expectNoForgery(markdown.stdout, "the markdown plan")
        let apply = try await tend.run(["apply", "--yes"])
        Self.expectNoForgery(apply.stdout + apply.stderr, "the apply output")
        for arguments in [["report"], ["report", "--format", "markdown"], ["history"], ["recover"], ["state", "list"],
                          ["state", "show", "env:FORGED"]] {
            let output = try await tend.run(arguments)
            Self.expectNoForgery(output.stdout + output.stderr, "tend " + arguments.joined(separator: " "))
        }
    }

    @Test func diagnosticsShowControlCharactersAsEscapes() async throws {
        let home = try TemporaryHome()
        let quoted = String(decoding: try JSONEncoder().encode(Self.forged), as: UTF8.self)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: \(quoted)\n    name: a\n")
        let output = try await TendBinary(home: home).run(["validate"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("unknown type"), "\(output.stderr)")
        Self.expectNoForgery(output.stdout + output.stderr, "the diagnostics")
    }
}
