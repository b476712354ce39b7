import Foundation
import Testing
import TendCore
import TendTestSupport

/// `tend doctor` with the built binary in a temporary HOME: a healthy setup passes, and a removed hook, a
/// damaged state and a missing config are each found and come with a fix that works.
@Suite(.serialized) struct DoctorEndToEndTests {
    static let config = """
        tend: 1
        resources:
          - type: alias
            name: gs
            value: git status
          - type: env
            name: TEND_DOCTOR_EDITOR
            value: vim
        """

    /// A user whose login shell is bash, with the config in the home (doctor runs there).
    func applied(before: (TemporaryHome) throws -> Void = { _ in }) async throws -> (TemporaryHome, TendBinary) {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        try before(home)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let apply = try await tend.run(["apply", "--yes"])
        try #require(apply.status == 0, "apply failed: \(apply.stderr)")
        return (home, tend)
    }

    /// The checks of `doctor --json`, after checking that its exit status matches its `healthy` field.
    func doctor(_ tend: TendBinary, expectStatus: Int32,
                sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> [JSON] {
        let result = try await tend.run(["doctor", "--json"])
        #expect(result.status == expectStatus, "doctor printed: \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
        let json = try JSON.parse(result.stdout)
        #expect(json["healthy"] == .bool(expectStatus == 0), sourceLocation: sourceLocation)
        return try #require(json["checks"]?.arrayValue, "no checks in: \(result.stdout)", sourceLocation: sourceLocation)
    }

    func check(_ checks: [JSON], _ area: String, _ subject: String) -> JSON? {
        checks.first { $0["area"]?.stringValue == area && $0["subject"]?.stringValue == subject }
    }

    @Test func aHealthySetupExitsZeroAndRealBashZshAndFishHaveTheProfile() async throws {
        for shell in ["zsh", "fish"] {
            try #require(SystemProcessRunner.resolve(shell, path: ProcessInfo.processInfo.environment["PATH"]) != nil,
                         "\(shell) is not installed; this test starts it (CI installs it in .ci/run)")
        }
        // A ~/.zshrc of the user's, so that zsh gets a hook too; fish on PATH gets its conf.d file.
        let (_, tend) = try await applied(before: { try $0.write(".zshrc", "# my zshrc\n") })
        let checks = try await doctor(tend, expectStatus: 0)
        for hook in ["~/.bashrc", "~/.zshrc", "~/.config/fish/conf.d/tend.fish"] {
            #expect(check(checks, "shell hook", hook)?["status"] == .string("ok"), "\(hook): \(checks)")
        }
        for probe in ["bash -ic", "zsh -ic", "fish -ic"] {
            #expect(check(checks, "shell", probe)?["status"] == .string("ok"), "\(probe): \(checks)")
        }
        #expect(check(checks, "state", "~/.local/state/tend/state.db")?["status"] == .string("ok"))
        #expect(check(checks, "lock", "~/.local/state/tend/state.db.lock")?["status"] == .string("ok"))
        #expect(!checks.contains { $0["status"] == .string("problem") })
        let text = try await tend.run(["doctor"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("No problems found."), "\(text.stdout)")
    }

    @Test func aRemovedHookIsFoundAndApplyFixesIt() async throws {
        let (home, tend) = try await applied()
        // The user's own ~/.bashrc replaces the one with tend's block.
        try home.write(".bashrc", "# my own bashrc\nexport HISTSIZE=5000\n")
        let checks = try await doctor(tend, expectStatus: 1)
        let hook = try #require(check(checks, "shell hook", "~/.bashrc"), "no check of ~/.bashrc in \(checks)")
        #expect(hook["status"] == .string("problem"))
        #expect(hook["finding"]?.stringValue?.contains("missing") == true, "\(hook)")
        #expect(hook["fix"]?.stringValue?.contains("tend apply") == true, "\(hook)")
        // The real shell agrees: without the block, bash has neither the variable nor the alias.
        let bash = try #require(check(checks, "shell", "bash -ic"))
        #expect(bash["status"] == .string("problem"))
        #expect(bash["finding"]?.stringValue?.contains("TEND_DOCTOR_EDITOR") == true, "\(bash)")
        #expect(bash["finding"]?.stringValue?.contains("alias gs") == true, "\(bash)")

        // The fix it gives works, and keeps the user's lines.
        let fix = try await tend.run(["apply", "--yes"])
        try #require(fix.status == 0, "apply failed: \(fix.stderr)")
        _ = try await doctor(tend, expectStatus: 0)
        let bashrc = try String(contentsOfFile: home.path + "/.bashrc", encoding: .utf8)
        #expect(bashrc.contains("export HISTSIZE=5000"))
    }

    @Test func aDamagedStateIsFoundWithHowToMoveItAside() async throws {
        let (home, tend) = try await applied()
        let state = home.path + "/.local/state/tend/state.db"
        // The run closed the database, so its pages are in the main file (no -wal left to hold them).
        #expect(!FileManager.default.fileExists(atPath: state + "-wal"))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: state)[.size] as? Int)
        try #require(size >= 4 * 4096, "the state is \(size) bytes, too small to damage its third page")
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        let dd = try await runner.run(Command(["dd", "if=/dev/zero", "of=\(state)", "bs=4096", "seek=2", "count=1",
                                               "conv=notrunc", "status=none"], timeout: 60))
        try #require(dd.succeeded, "dd failed: \(dd.errorOutput)")

        let checks = try await doctor(tend, expectStatus: 1)
        let found = try #require(check(checks, "state", "~/.local/state/tend/state.db"), "no state check in \(checks)")
        #expect(found["status"] == .string("problem"))
        #expect(found["finding"]?.stringValue?.contains("damaged") == true, "\(found)")
        #expect(found["fix"]?.stringValue?.contains("mv ~/.local/state/tend/state.db") == true, "\(found)")
        // The rest is still looked at: one broken part does not hide the others.
        #expect(check(checks, "shell hook", "~/.bashrc")?["status"] == .string("ok"))
        let text = try await tend.run(["doctor"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("PROBLEM state:"), "\(text.stdout)")
        #expect(text.stdout.contains("fix: restore"), "\(text.stdout)")
    }

    @Test func noConfigWhereTendLooksIsAProblemThatNamesBothPlaces() async throws {
        let home = try TemporaryHome()
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let checks = try await doctor(tend, expectStatus: 1)
        let config = try #require(checks.first { $0["area"]?.stringValue == "config" }, "no config check in \(checks)")
        #expect(config["status"] == .string("problem"))
        #expect(config["finding"]?.stringValue?.contains("~/tend.yaml") == true, "\(config)")
        #expect(config["finding"]?.stringValue?.contains("~/.config/tend/tend.yaml") == true, "\(config)")
        #expect(config["fix"] != .null)
        // Doctor never creates a state.
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.local/state/tend/state.db"))
    }

    @Test func aMissingPackageManagerIsAProblemAndRootNeedsAreChecked() async throws {
        let path = ProcessInfo.processInfo.environment["PATH"]
        try #require(SystemProcessRunner.resolve("brew", path: path) == nil
                     && !FileManager.default.fileExists(atPath: "/home/linuxbrew/.linuxbrew/bin/brew"),
                     "Homebrew is installed here, so this test cannot show it missing")
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: apt
                name: hello
              - type: brew
                name: hello
            """)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let checks = try await doctor(tend, expectStatus: 1)
        let brew = try #require(check(checks, "package manager", "brew"), "no check of brew in \(checks)")
        #expect(brew["status"] == .string("problem"))
        #expect(brew["fix"]?.stringValue?.contains("when: { os: macos }") == true, "\(brew)")
        #expect(check(checks, "package manager", "apt-get")?["status"] == .string("ok"))
        let sudo = try #require(checks.first { $0["area"]?.stringValue == "sudo" }, "no sudo check in \(checks)")
        #expect(sudo["finding"]?.stringValue?.contains("apt resources need root") == true, "\(sudo)")
        if geteuid() == 0 {
            #expect(sudo["status"] == .string("ok"), "\(sudo)")
        } else {
            #expect(sudo["status"] != .string("skipped"), "\(sudo)")
        }
        // Without alias, env or path resources no shell needs the hook, and doctor says so rather than failing.
        let hooks = checks.filter { $0["area"]?.stringValue == "shell hook" }
        #expect(hooks.count == 1 && hooks.first?["status"] == .string("skipped"), "\(hooks)")
    }
}
