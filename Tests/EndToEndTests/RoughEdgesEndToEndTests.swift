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
        #expect(written.hasPrefix("sum sha256:") || written.count > "sum \n".count + 40, "\(written)")
        #expect(!written.contains("known after apply"))
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

/// Item 9: `tend types` is the reference an installed tend carries, so it covers what is not a type's own.
@Suite struct RoughEdgesTypesEndToEndTests {
    @Test func typesDocumentsMetaParametersTopLevelKeysAndInterpolation() async throws {
        let home = try TemporaryHome()
        let output = try await TendBinary(home: home).run(["types"])
        #expect(output.status == 0)
        let lines = output.stdout.components(separatedBy: "\n")
        for name in ["id", "dependsOn", "when", "ensure", "tags", "sensitive", "retry", "timeout", "keep"] {
            let line = lines.first { $0.hasPrefix("  \(name) ") }
            #expect(line.map { $0.count > name.count + 10 } == true, "no line explains '\(name)':\n\(output.stdout)")
        }
        for key in ["tend: 1", "include:", "vars:", "resources:", "${vars.NAME}", "${env.NAME:-default}",
                    "${host.FACT}", "${outputs.ADDRESS.KEY}"] {
            #expect(lines.contains { $0.hasPrefix("  " + key) }, "'\(key)' is not documented:\n\(output.stdout)")
        }
        let file = try await TendBinary(home: home).run(["types", "file"])
        #expect(file.stdout.contains("'tend types' says what each means"))
    }
}

/// Item 11: completions that really complete, in the real shells, and a man page from the command tree.
@Suite struct RoughEdgesCompletionEndToEndTests {
    static func config(_ home: TemporaryHome) throws {
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: file
                path: ~/a.txt
                content: "a\\n"
              - type: alias
                name: gs
                value: git status
            """)
        try home.write("conf/dots.yaml", "tend: 1\nresources: []\n")
    }

    /// Runs bash's completion function for `words` (the last one being completed) as bash would.
    static func bashComplete(_ words: [String], script: String, home: TemporaryHome) async throws -> [String] {
        let runner = SystemProcessRunner(baseEnvironment: TendBinary(home: home).environment, useSudo: false)
        // Fixed shell text; the words arrive as positional parameters, never inside the text.
        let program = """
            source "$1"; shift
            COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            _tend "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try await runner.run(Command(["/bin/bash", "-c", program, "bash", script] + words,
                                                  workingDirectory: home.path, timeout: 120))
        #expect(result.status == 0, "\(result.errorOutput)")
        return result.output.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesTargetsFromTheConfigAndConfigFiles() async throws {
        let home = try TemporaryHome()
        try Self.config(home)
        let script = try await TendBinary(home: home).run(["--generate-completion-script", "bash"])
        #expect(script.status == 0)
        let path = try home.write("tend.bash", script.stdout)
        let targets = try await Self.bashComplete([TendBinary.path, "plan", "--target", ""], script: path, home: home)
        #expect(Set(targets) == ["file:~/a.txt", "alias:gs"], "\(targets)")
        let destroy = try await Self.bashComplete([TendBinary.path, "destroy", ""], script: path, home: home)
        #expect(destroy.contains("alias:gs"), "\(destroy)")
        let files = try await Self.bashComplete([TendBinary.path, "plan", "-c", "conf/"], script: path, home: home)
        #expect(files == ["conf/dots.yaml"], "\(files)")
    }

    @Test(arguments: [("zsh", ["-n"]), ("fish", ["--no-execute"])])
    func completionScriptIsValidForTheShell(_ shell: String, _ check: [String]) async throws {
        let candidates = ["/usr/bin/\(shell)", "/bin/\(shell)", "/usr/local/bin/\(shell)"]
        let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "\(shell) is not installed; CI installs it (.ci/run)")
        let home = try TemporaryHome()
        let script = try await TendBinary(home: home).run(["--generate-completion-script", shell])
        #expect(script.status == 0)
        #expect(script.stdout.contains("--target"))
        let path = try home.write("completion.\(shell)", script.stdout)
        let runner = SystemProcessRunner(baseEnvironment: TendBinary(home: home).environment, useSudo: false)
        let result = try await runner.run(Command([binary] + check + [path], timeout: 120))
        #expect(result.status == 0, "\(shell) rejects the script: \(result.errorOutput)")
    }

    // fish's `complete -C` cannot run the generated script's `commandline` calls outside an interactive
    // session (fish 3.6), so fish is checked for syntax above and bash for what completion offers.

    @Test func manualHasASectionForEveryCommand() async throws {
        let home = try TemporaryHome()
        let output = try await TendBinary(home: home).run(["manual"])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix(".TH TEND 1"))
        for command in ["validate", "plan", "apply", "destroy", "state", "state list", "history", "report", "recover",
                        "backups", "backups restore", "types", "schema"] {
            #expect(output.stdout.contains(".SS tend \(command)\n"), "no section for tend \(command)")
        }
        // No line roff would read as a request other than the page's own.
        let requests = Set(output.stdout.split(separator: "\n").filter { $0.hasPrefix(".") }.map { $0.prefix(3) })
        #expect(requests.isSubset(of: [".TH", ".SH", ".SS", ".B ", ".I ", ".nf", ".fi"]), "\(requests)")
    }

    /// install.sh, given a built tend, puts the completions and the man page where the shells and man look.
    @Test func installScriptInstallsCompletionsAndManPage() async throws {
        let home = try TemporaryHome()
        let prefix = home.path + "/prefix"
        var environment = TendBinary(home: home).environment
        environment["PREFIX"] = prefix
        let runner = SystemProcessRunner(baseEnvironment: environment, useSudo: false)
        let result = try await runner.run(Command(["/bin/bash", TendBinary.packageRoot + "/install.sh", "--from-binary", TendBinary.path],
                                                  timeout: 300))
        #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
        for file in ["bin/tend", "share/bash-completion/completions/tend", "share/zsh/site-functions/_tend",
                     "share/fish/vendor_completions.d/tend.fish", "share/man/man1/tend.1"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: prefix + "/" + file)[.size] as? Int) ?? 0
            #expect(size > 100, "install.sh did not install \(file)")
        }
    }

    /// Every repository path the README names (in backticks, links, or after -c) exists in the repository.
    @Test func readmePointsOnlyAtFilesInTheRepository() throws {
        let readme = try String(contentsOfFile: TendBinary.packageRoot + "/README.md", encoding: .utf8)
        #expect(!readme.contains("../"), "the README points outside the repository")
        let pattern = try Regex(#"`([A-Za-z][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.-]+)*/?)`|\]\(([^)#]+)\)|-c ([A-Za-z][^\s`]*)"#)
        var named: Set<String> = []
        for match in readme.matches(of: pattern) {
            for index in 1..<match.output.count {
                if let text = match.output[index].substring.map(String.init),
                   text.contains("/") || text.hasSuffix(".md") || text.hasSuffix(".sh") {
                    named.insert(text)
                }
            }
        }
        #expect(named.contains("examples/minimal.yaml"), "\(named)")
        // Paths under the install prefix are where install.sh puts files, not files of the repository.
        for path in named where !path.hasPrefix("share/") && !path.hasPrefix("PATH/") {
            #expect(FileManager.default.fileExists(atPath: TendBinary.packageRoot + "/" + path), "the README names \(path), which is not in the repository")
        }
    }
}
