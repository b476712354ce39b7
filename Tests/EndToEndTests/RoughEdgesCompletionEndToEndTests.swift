import Foundation
import Testing
import TendCore
import TendTestSupport

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

    /// fish completes commands and subcommands for real (`complete -C`, as fish does on Tab). What needs the
    /// script's `commandline` calls (a value such as `--target`'s) fish 3.6 runs only in an interactive session,
    /// so those values are checked in bash above.
    @Test func fishCompletesCommandsAndSubcommands() async throws {
        let binary = try #require(["/usr/bin/fish", "/bin/fish", "/usr/local/bin/fish"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }, "fish is not installed; CI installs it (.ci/run)")
        let home = try TemporaryHome()
        let script = try await TendBinary(home: home).run(["--generate-completion-script", "fish"])
        #expect(script.status == 0)
        let path = try home.write("tend.fish", script.stdout)
        let runner = SystemProcessRunner(baseEnvironment: TendBinary(home: home).environment, useSudo: false)
        // Fixed fish text; the script's path arrives as an argument.
        let result = try await runner.run(Command(
            [binary, "-c", "source $argv[1]; complete -C'tend pl'; complete -C'tend backups '", path], timeout: 120))
        #expect(result.status == 0, "\(result.errorOutput)")
        let offered = Set(result.output.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") })
        #expect(offered == ["plan", "list", "prune", "restore", "show"], "\(result.output)")
    }

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
