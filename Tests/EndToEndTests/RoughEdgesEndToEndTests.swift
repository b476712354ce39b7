import Foundation
import Testing
import TendCore
import TendTestSupport

/// The places a new user trips over first (issue 12, item 6), each checked on the built binary.
@Suite struct RoughEdgesEndToEndTests {
    static let environment = ["SHELL": "/bin/bash"]

    @Test func unknownCommandSuggestsTheNearestOne() async throws {
        let home = try TemporaryHome()
        let output = try await TendBinary(home: home).run(["aply"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("unknown command 'aply' (did you mean 'apply'?)"), "\(output.stderr)")
        let far = try await TendBinary(home: home).run(["frobnicate"])
        #expect(far.status == 64)
        #expect(far.stderr.contains("unknown command 'frobnicate'"), "\(far.stderr)")
        #expect(!far.stderr.contains("did you mean"))
    }

    /// The statuses `--help` and the README promise are the ones tend gives: 64 for a usage error, 2 for
    /// pending changes with --detailed-exitcode, 1 for a broken config.
    @Test func exitCodesInHelpAndReadmeAreTheOnesTendReturns() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: file\n    path: ~/a.txt\n    content: \"a\\n\"\n")
        try home.write("bad.yaml", "tend: 1\nresources:\n  - type: aptt\n    name: x\n")
        let tend = TendBinary(home: home, environment: Self.environment)
        let help = try await tend.run(["--help"])
        let readme = try String(contentsOfFile: TendBinary.packageRoot + "/README.md", encoding: .utf8)
        let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for promise in ["1 an error", "2 changes pending", "64 a usage error", "130 interrupted"] {
            #expect(flat.contains(promise), "tend --help does not say '\(promise)':\n\(help.stdout)")
        }
        #expect(readme.contains("64 usage error"), "the README does not document status 64")
        #expect(try await tend.run(["plan", "--no-such-option"]).status == 64)
        #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 2)
        #expect(try await tend.run(["plan", "-c", "bad.yaml"]).status == 1)
        #expect(try await tend.run(["plan"]).status == 0)
    }

    /// ArgumentParser wraps to 80 columns (lines of at most 79 characters). A paragraph line that stops though
    /// the next word would have fitted, or an indented line continued at the margin, is a hard break or an
    /// overlong line in the source. Every option's default is said at most once.
    @Test(arguments: [[], ["plan"], ["apply"], ["destroy"], ["recover"], ["history"], ["types"], ["state", "forget"],
                      ["backups", "restore"], ["backups", "prune"], ["manual"]])
    func helpWrapsCleanlyAndSaysEachDefaultOnce(_ command: [String]) async throws {
        let home = try TemporaryHome()
        let output = try await TendBinary(home: home).run(command + ["--help"])
        #expect(output.status == 0)
        let lines = output.stdout.components(separatedBy: "\n")
        for (line, next) in zip(lines, lines.dropFirst()) {
            #expect(!(line.hasPrefix("  ") && !next.isEmpty && !next.hasPrefix(" ")),
                    "an indented line wraps to the margin in '\(command.joined(separator: " ")) --help': \(line)")
            guard !line.isEmpty, !line.hasPrefix(" "), !line.hasSuffix(":"), !next.isEmpty, !next.hasPrefix(" "),
                  !line.hasPrefix("USAGE"), let word = next.split(separator: " ").first else { continue }
            #expect(line.count + 1 + word.count > 79, "ragged line in '\(command.joined(separator: " ")) --help': \(line)")
        }
        var options: [String] = []
        for line in lines {
            if line.hasPrefix("  -") { options.append(line) } else if line.hasPrefix("      "), !options.isEmpty { options[options.count - 1] += line }
        }
        for option in options {
            let defaults = option.components(separatedBy: "default").count - 1
            #expect(defaults <= 1, "a default said twice: \(option)")
        }
    }

    /// `tend apply | tee log` on a terminal: standard input is the terminal, so apply asks there and acts
    /// on the answer, though its standard output is a pipe.
    @Test func applyAsksOnTheTerminalWhenStandardOutputIsAPipe() async throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux 'script' is needed for a pty")
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: file\n    path: ~/asked.txt\n    content: \"yes\\n\"\n")
        let tend = TendBinary(home: home, environment: Self.environment)
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        // The pipe is the point of the test, so this one line is shell; the only value in it is quoted.
        let line = ShellQuoting.quote(TendBinary.path) + " apply | cat"
        let result = try await runner.run(Command([script, "-qec", line, "/dev/null"], workingDirectory: home.path,
                                                  input: Array("yes\n".utf8), timeout: 600))
        #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
        #expect(result.output.contains("Apply these changes?"), "\(result.output)")
        #expect(!result.output.contains("pass --yes"), "\(result.output)")
        #expect(FileManager.default.contents(atPath: home.path + "/asked.txt") == Data("yes\n".utf8))
    }

    @Test func partialPlanWithNothingToDoSaysSoAndWarns() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: file
                path: ~/done.txt
                content: "done\\n"
                tags: [base]
              - type: file
                path: ~/pending.txt
                content: "pending\\n"
            """)
        try home.write("done.txt", "done\n")
        let tend = TendBinary(home: home, environment: Self.environment)
        for selection in [["--target", "file:~/done.txt"], ["--tag", "base"]] {
            let output = try await tend.run(["plan"] + selection)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains("No changes among the selected resources."), "\(output.stdout)")
            #expect(output.stdout.contains("--target or --tag is in effect"), "\(output.stdout)")
            #expect(!output.stdout.contains("this machine matches"))
            let apply = try await tend.run(["apply", "--yes"] + selection)
            #expect(apply.stdout.contains("No changes among the selected resources."), "\(apply.stdout)")
        }
        let whole = try await tend.run(["plan"])
        #expect(!whole.stdout.contains("is in effect"))
        #expect(whole.stdout.contains("+ file:~/pending.txt"))
    }

    @Test func destroyAsksAboutDestroyingAndSaysDestroyComplete() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: file\n    path: ~/gone.txt\n    content: \"x\\n\"\n")
        let tend = TendBinary(home: home, environment: Self.environment)
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux 'script' is needed for a pty")
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        let line = ShellQuoting.quote(TendBinary.path) + " destroy file:~/gone.txt"
        let result = try await runner.run(Command([script, "-qec", line, "/dev/null"], workingDirectory: home.path,
                                                  input: Array("yes\n".utf8), timeout: 600))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Destroy these resources? Only 'yes' is accepted:"), "\(result.output)")
        #expect(!result.output.contains("Apply these changes?"))
        #expect(result.output.contains("Destroy complete: 1 changed"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/gone.txt"))
    }

    @Test func newShellsNoteIsPrintedOncePerRun() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: alias
                name: ga
                value: git add
              - type: alias
                name: gs
                value: git status
              - type: env
                name: PAGER
                value: less
            """)
        let output = try await TendBinary(home: home, environment: Self.environment).run(["apply", "--yes"])
        #expect(output.status == 0, "\(output.stderr)")
        let notes = output.stdout.components(separatedBy: "new shells pick up").count - 1
        #expect(notes == 1, "\(output.stdout)")
    }

    @Test func jsonWithMarkdownFormatIsAUsageError() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let tend = TendBinary(home: home)
        let output = try await tend.run(["plan", "--json", "--format", "markdown"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("--json and --format markdown"), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
        #expect(try await tend.run(["plan", "--json", "--format", "json"]).status == 0)
    }
}
