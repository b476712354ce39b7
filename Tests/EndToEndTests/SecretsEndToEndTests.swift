import Foundation
import Testing
import TendCore
import TendTestSupport

/// Secrets out of reach (issue 10, "Secrets in reach"): a script's sensitive environment, a file's sensitive
/// content and a sensitive git-config value never appear in any process's argv while tend runs, in anything
/// tend prints (with -v too), or in any file tend writes; saved plans hold keyed digests only.
@Suite struct SecretsEndToEndTests {
    static let scriptSecret = "script-env-s3cret-7781"
    static let fileSecret = "file-content-s3cret-4410"
    static let gitSecret = "git-config-s3cret-9902"
    static let secrets = [scriptSecret, fileSecret, gitSecret]

    /// A home whose config takes every secret from the environment (so tend.yaml holds none), with a `git` on
    /// PATH that logs its argv before running the real one: that log is what /proc/PID/cmdline showed.
    static func setUp(_ config: String) throws -> (TemporaryHome, TendBinary) {
        let home = try TemporaryHome()
        let realGit = try #require(SystemProcessRunner.resolve("git", path: ProcessInfo.processInfo.environment["PATH"]),
                                   "git must be installed for this test")
        try home.write("bin/git", "#!/bin/sh\nprintf '%s\\0' \"$@\" >> \"$HOME/git-argv.log\"\nexec \(realGit) \"$@\"\n", mode: 0o755)
        try home.write("tend.yaml", config)
        let path = home.path + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let binary = TendBinary(home: home, environment: [
            "PATH": path, "SCRIPT_SECRET": scriptSecret, "FILE_SECRET": fileSecret, "GIT_SECRET": gitSecret,
        ])
        return (home, binary)
    }

    static let fullConfig = """
        tend: 1
        resources:
          - type: script
            id: uses-token
            environment: {TOKEN: "${env.SCRIPT_SECRET}", ALL: "${env.SCRIPT_SECRET} ${env.FILE_SECRET} ${env.GIT_SECRET}"}
            sensitive: [environment]
            check: echo "checking with $TOKEN"; test -f "$HOME/token-used"
            create: |
              echo "the token is $TOKEN"
              echo "the token on stderr: $TOKEN" >&2
              # While tend runs: which processes have a secret in their argv? (printf is a shell builtin.)
              printf '%s\\n' $ALL | grep -lFf - /proc/[0-9]*/cmdline > "$HOME/cmdline-hits" 2>/dev/null || true
              touch "$HOME/token-used"
          - type: script
            id: fails-with-token
            environment: {TOKEN: "${env.SCRIPT_SECRET}"}
            sensitive: [environment]
            check: "false"
            create: |
              echo "failing with $TOKEN"
              echo "failing on stderr with $TOKEN" >&2
              exit 3
          - type: file
            path: ~/secret.txt
            content: "${env.FILE_SECRET}\\n"
            sensitive: [content]
          - type: git-config
            key: tend.token
            value: "${env.GIT_SECRET}"
            sensitive: [value]
        """

    /// Every secret, and its bare SHA-256 (which a weak secret does not survive), absent from `text`.
    static func expectNoSecret(in text: String, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        // Found as plain Bools, so that a failure names the file and the secret instead of dumping a binary state.
        for secret in secrets {
            let holdsSecret = text.contains(secret)
            #expect(!holdsSecret, "\(what) holds \(secret)", sourceLocation: sourceLocation)
            for form in [secret, secret + "\n"] {
                let holdsDigest = text.contains(String(SHA256.digest(form).dropFirst("sha256:".count)))
                #expect(!holdsDigest, "\(what) holds the bare SHA-256 of \(form.debugDescription)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func secretsStayOutOfArgvOutputAndFiles() async throws {
        let (home, tend) = try Self.setUp(Self.fullConfig)
        // Each command with the exit status it must have: a crash or a usage error prints no secret either, so
        // a clean output alone would prove nothing.
        var outputs: [(String, TendBinary.Output)] = []
        func run(_ arguments: [String], expecting status: Int32) async throws -> TendBinary.Output {
            let output = try await tend.run(arguments)
            #expect(output.status == status, "tend \(arguments.joined(separator: " "))\n\(output.stdout)\n\(output.stderr)")
            outputs.append((arguments.joined(separator: " "), output))
            return output
        }
        _ = try await run(["plan"], expecting: 0)
        _ = try await run(["plan", "--json"], expecting: 0)
        _ = try await run(["plan", "--format", "markdown"], expecting: 0)
        _ = try await run(["plan", "--out", "saved-plan.json"], expecting: 0)
        // One script fails on purpose.
        let apply = try await run(["apply", "-v", "--yes", "--jobs", "1"], expecting: 1)
        for arguments in [["report"], ["report", "--format", "json"], ["report", "--format", "markdown"], ["history"], ["recover"],
                          ["state", "list"], ["state", "show", "file:~/secret.txt"], ["state", "show", "script:uses-token"]] {
            _ = try await run(arguments, expecting: 0)
        }
        for (what, output) in outputs {
            Self.expectNoSecret(in: output.stdout + output.stderr, "the output of tend \(what)")
        }

        // It really ran: the script used its token, the file and the git setting hold theirs.
        #expect(FileManager.default.fileExists(atPath: home.path + "/token-used"), "\(apply.stdout)\(apply.stderr)")
        #expect((try? String(contentsOfFile: home.path + "/secret.txt", encoding: .utf8)) == Self.fileSecret + "\n")
        // What tend kept of the sensitive scripts is the note, not their output.
        let report = try await tend.run(["report"])
        #expect(report.stdout.contains(SecretRedactor.outputNote), "\(report.stdout)")
        #expect(apply.stdout.contains("TOKEN=(sensitive)"), "-v shows the command with the value hidden\n\(apply.stdout)")

        // While tend ran, no process had a script or file secret in its argv (the script looked, from inside).
        let hits = try String(contentsOfFile: home.path + "/cmdline-hits", encoding: .utf8)
        #expect(hits.isEmpty, "processes with a secret in their argv: \(hits)")

        // The saved plan holds keyed digests; the key is the state's, mode 0600.
        let planText = try String(contentsOfFile: home.path + "/saved-plan.json", encoding: .utf8)
        #expect(planText.contains("\"digest\": \"hmac-sha256:"), "\(planText)")
        var info = stat()
        let keyPath = SecretKeyFile.path(forState: home.path + "/.local/state/tend/state.db")
        #expect(lstat(keyPath, &info) == 0 && info.st_mode & 0o7777 == 0o600 && info.st_mode & S_IFMT == S_IFREG)

        // No file tend wrote holds a secret: everything under HOME but the managed files themselves and what the
        // test's own helpers wrote.
        let ownedByTheTest: Set<String> = ["secret.txt", ".gitconfig", "git-argv.log", "cmdline-hits", "bin/git", "token-used"]
        let enumerator = try #require(FileManager.default.enumerator(atPath: home.path))
        var checked: Set<String> = []
        while let relative = enumerator.nextObject() as? String {
            guard !ownedByTheTest.contains(relative) else { continue }
            let full = home.path + "/" + relative
            // Listed a moment ago and nothing runs now: a name that cannot be read is a failure, not a pass.
            var entry = stat()
            try #require(lstat(full, &entry) == 0, "\(relative) was listed but cannot be examined: \(String(cString: strerror(errno)))")
            let bytes: Data
            switch entry.st_mode & S_IFMT {
            case S_IFDIR: continue
            case S_IFLNK: bytes = Data(try FileManager.default.destinationOfSymbolicLink(atPath: full).utf8)
            default: bytes = try #require(FileManager.default.contents(atPath: full), "\(relative) cannot be read")
            }
            Self.expectNoSecret(in: String(decoding: bytes, as: UTF8.self), relative)
            checked.insert(relative)
        }
        let keyName = String(keyPath.dropFirst(home.path.count + 1))
        for required in ["tend.yaml", "saved-plan.json", ".local/state/tend/state.db", keyName] {
            #expect(checked.contains(required), "\(required) was not among the files checked: \(checked.sorted())")
        }
    }

    /// `git config --global -- KEY VALUE` would show VALUE in /proc/PID/cmdline to every local user: git is
    /// given a placeholder, and tend writes the value into the file itself. A wrapper records git's argv.
    @Test func gitConfigSecretNeverInArgv() async throws {
        let (home, tend) = try Self.setUp("""
            tend: 1
            resources:
              - type: git-config
                key: tend.token
                value: "${env.GIT_SECRET}"
                sensitive: [value]
            """)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let argv = try String(contentsOfFile: home.path + "/git-argv.log", encoding: .utf8)
        #expect(!argv.isEmpty, "the git wrapper was not used")
        #expect(!argv.contains(Self.gitSecret), "git ran with the sensitive value in its argv")
    }

    @Test func savedPlanChecksSecretsAgainstItsDigests() async throws {
        let (home, tend) = try Self.setUp("""
            tend: 1
            resources:
              - type: file
                path: ~/secret.txt
                content: "${env.FILE_SECRET}\\n"
                sensitive: [content]
            """)
        let saved = try await tend.run(["plan", "--out", "plan.json"])
        #expect(saved.status == 0, "\(saved.stderr)")
        var other = tend
        other.extraEnvironment["FILE_SECRET"] = "another-secret"
        let refused = try await other.run(["apply", "plan.json"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("plan is stale: the sensitive value 'content' of file:~/secret.txt is not the one the plan was made with"),
                "\(refused.stderr)")
        let applied = try await tend.run(["apply", "plan.json"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect((try? String(contentsOfFile: home.path + "/secret.txt", encoding: .utf8)) == Self.fileSecret + "\n")
    }
}
