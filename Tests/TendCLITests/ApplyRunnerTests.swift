import Foundation
import Testing
import TendCore
import TendTestSupport

/// What `ApplyRunner` does around the engine, seen from outside the built binary: the refusal to change the
/// machine unasked, the summary, the exit codes, and the two progress displays (plain lines without a
/// terminal, live lines on one).
@Suite struct ApplyRunnerTests {
    static let twoFiles = """
        tend: 1
        resources:
          - {type: file, path: ~/a.txt, content: "a\\n"}
          - {type: file, path: ~/b.txt, content: "b\\n"}
        """

    @Test func withoutATerminalNothingChangesUnlessYesIsGiven() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.twoFiles)
        let tend = try BuiltTend(home: home)
        let refused = try await tend.run(["apply"], input: "yes\n")
        #expect(refused.status == 64, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("tend apply changes this machine; without a terminal to ask on, pass --yes"),
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/a.txt"))

        let applied = try await tend.run(["apply", "--yes"])
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("(run 1; 'tend report' shows it)"), "\(applied.stdout)")
        #expect(FileSystem().readText(home.path + "/a.txt") == "a\n")
        let again = try await tend.run(["apply", "--yes"])
        #expect(again.status == 0)
        #expect(again.stdout.hasSuffix("No changes: this machine matches tend.yaml.\n"), "\(again.stdout)")
    }

    @Test func aFailedChangeIsNamedOnStderrAndTheExitStatusIsOne() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.twoFiles + """

              - {type: script, id: bad, check: "false", create: "echo first; echo broken >&2; exit 3"}
            """)
        let tend = try BuiltTend(home: home)
        let result = try await tend.run(["apply", "--yes"])
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("script:bad: the create text of script bad exited with status 3"), "\(result.stderr)")
        // The changes that could go on did.
        #expect(FileSystem().readText(home.path + "/b.txt") == "b\n")
    }

    /// Without a terminal: one line per event, each starting with an ISO 8601 time, naming the address.
    @Test func plainProgressPrintsOneTimestampedLinePerEvent() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.twoFiles + """

              - {type: script, id: bad, check: "false", create: "exit 3"}
            """)
        let tend = try BuiltTend(home: home)
        let result = try await tend.run(["apply", "--yes"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let stamp = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /#
        for (event, address) in [("start   ", "file:~/a.txt: "), ("done    ", "file:~/a.txt ("),
                                 ("start   ", "script:bad: "), ("failed  ", "script:bad (")] {
            let line = lines.first { $0.contains(event + address) }
            #expect(line.map { $0.firstMatch(of: stamp) != nil } == true, "no '\(event)\(address)' line in\n\(result.stdout)")
        }
    }

    /// On a terminal: finished changes stay as one line each with a mark; no timestamped log lines.
    @Test func liveProgressOnATerminalMarksEachFinishedChange() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.twoFiles)
        let tend = try BuiltTend(home: home)
        let result = try await tend.runOnTerminal(["apply", "--yes"], typed: "")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("✓ file:~/a.txt"), "\(result.stdout)")
        #expect(result.stdout.contains("✓ file:~/b.txt"), "\(result.stdout)")
        #expect(!result.stdout.contains("start   file:~/a.txt"), "\(result.stdout)")
    }
}
