import Foundation
import Testing
import TendCore
import TendTestSupport

/// The state file, its lock and the records of failed changes, tried as a user (or a fault) would: issue 9
/// cases 6 and 9, issue 10 "Smaller" and Deliver 7.
@Suite struct StateSafetyEndToEndTests {
    static func statePath(_ home: TemporaryHome) -> String { home.path + "/.local/state/tend/state.db" }

    static func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Runs a command of the host that the test needs (python3, dd), failing the test when it fails.
    static func sh(_ arguments: [String]) async throws -> String {
        let result = try await SystemProcessRunner(useSudo: false).run(Command(arguments))
        try #require(result.status == 0, "\(arguments) failed: \(result.errorOutput)")
        return result.output
    }

    /// Starts tend in the background, its output going to out.txt and err.txt in the home.
    static func start(_ tend: TendBinary, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TendBinary.path)
        process.arguments = arguments
        process.environment = tend.environment
        process.currentDirectoryURL = URL(fileURLWithPath: tend.home.path)
        _ = FileManager.default.createFile(atPath: tend.home.path + "/out.txt", contents: nil)
        _ = FileManager.default.createFile(atPath: tend.home.path + "/err.txt", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: tend.home.path + "/out.txt")
        process.standardError = FileHandle(forWritingAtPath: tend.home.path + "/err.txt")
        try process.run()
        return process
    }

    /// The first token `tend recover` lists for `address`.
    static func token(for address: String, _ tend: TendBinary) async throws -> String {
        let list = try await tend.run(["recover"])
        let line = try #require(list.stdout.split(separator: "\n").first { $0.contains(" \(address) ") },
                                "no failed change of \(address) in: \(list.stdout)")
        return String(line.prefix { $0 != " " })
    }

    static let flaky = """
        tend: 1
        resources:
          - {type: script, id: flaky, check: test -f "$HOME/done", create: test -f "$HOME/fixed" && touch "$HOME/done"}

        """

    // MARK: Issue 9 case 9: journal writes

    @Test func aStateWriteThatFailsIsInTheSummaryAndTheExitCode() async throws {
        let home = try TemporaryHome()
        // The change itself takes the report table away, so recording its report must fail.
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: script
                id: saboteur
                check: test -f "$HOME/done"
                create: |
                  python3 - <<'PY'
                  import sqlite3
                  connection = sqlite3.connect("\(Self.statePath(home))")
                  connection.execute("DROP TABLE report")
                  connection.commit()
                  PY
                  touch "$HOME/done"
            """)
        let tend = TendBinary(home: home)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(FileManager.default.fileExists(atPath: home.path + "/done"), "\(apply.stderr)")
        #expect(apply.status == 1, "a run whose record was lost reported success: \(apply.stdout)")
        #expect(apply.stderr.contains("state: script:saboteur: the create was done on this machine but could not be recorded in the state"),
                "\(apply.stderr)")
        #expect(apply.stdout.contains("1 not recorded in the state"), "\(apply.stdout)")
    }

    // MARK: Issue 9 case 8: reconciling a killed change

    @Test func aKilledDestroyWhoseRefreshFailsStaysOpenAndForgetsNothing() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: git-config, key: user.name, value: Tester}\n")
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        // A destroy that a killed run left open, and a ~/.gitconfig git cannot read, so the refresh fails.
        _ = try await Self.sh(["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1])
            c.execute("INSERT INTO pending_transaction (token, run_id, address_type, address_key, type, operation, "
                      "change, status, started_at) VALUES ('0123456789ab', 1, 'git-config', 'user.name', "
                      "'git-config', 'destroy', '{}', 'open', ?)", (time.time(),))
            c.commit()
            """, Self.statePath(home)])
        try home.write(".gitconfig", "[user\n  name = Tester\n")
        try home.write("tend.yaml", "tend: 1\nresources: []\n")

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stderr.contains("could not tell whether the destroy of git-config:user.name"), "\(apply.stderr)")
        #expect(apply.stderr.contains("bad config line 1"), "\(apply.stderr)")
        #expect(apply.stderr.contains("tend recover 0123456789ab --done"), "\(apply.stderr)")
        #expect(try await tend.run(["state", "list"]).stdout.contains("git-config:user.name"), "the resource was forgotten")

        // Once git can read the file again, the next apply finds out and goes on.
        try home.write(".gitconfig", "[user]\n  name = Tester\n")
        let again = try await tend.run(["apply", "--yes"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stderr.contains("reconciled git-config:user.name"), "\(again.stderr)")
    }

    // MARK: Issue 9 case 6 / Deliver 7: recovery records

    @Test func aRetryThatDoesNotRunOrFailsKeepsTheRecordAndOneThatSucceedsClosesIt() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.flaky)
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 1)
        let token = try await Self.token(for: "script:flaky", tend)

        // Nothing runs without --yes off a terminal, nor when the prompt is declined: the record stays.
        let unconfirmed = try await tend.run(["recover", token, "--retry"])
        #expect(unconfirmed.status != 0)
        #expect(try await tend.run(["recover"]).stdout.contains(token))
        // A retry that fails again keeps it too.
        #expect(try await tend.run(["recover", token, "--retry", "--yes"]).status == 1)
        #expect(try await tend.run(["recover"]).stdout.contains(token))

        try home.write("fixed", "")
        let retry = try await tend.run(["recover", token, "--retry", "--yes"])
        #expect(retry.status == 0, "\(retry.stdout)\n\(retry.stderr)")
        #expect(try await tend.run(["recover"]).stdout == "No failed changes.\n")
    }

    @Test func aLaterApplyClosesTheFailureAndPlansNoteOnlyTheirOwnConfigsFailures() async throws {
        let home = try TemporaryHome()
        try home.write("a.yaml", """
            tend: 1
            resources:
              - {type: script, id: fa, check: test -f "$HOME/a-done", create: test -f "$HOME/fixed" && touch "$HOME/a-done"}
            """)
        try home.write("b.yaml", """
            tend: 1
            resources:
              - {type: script, id: fb, check: test -f "$HOME/b-done", create: test -f "$HOME/fixed" && touch "$HOME/b-done"}
            """)
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes", "-c", "a.yaml"]).status == 1)
        #expect(try await tend.run(["apply", "--yes", "-c", "b.yaml"]).status == 1)
        let plan = try await tend.run(["plan", "-c", "a.yaml"])
        #expect(plan.stderr.contains("the create of script:fa failed in run 1"), "\(plan.stderr)")
        #expect(!plan.stderr.contains("script:fb"), "another config's failure was noted: \(plan.stderr)")

        try home.write("fixed", "")
        let apply = try await tend.run(["apply", "--yes", "-c", "a.yaml"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let list = try await tend.run(["recover"])
        #expect(!list.stdout.contains("script:fa"), "a later successful apply left the failure open: \(list.stdout)")
        #expect(list.stdout.contains("script:fb"))
        #expect(try await tend.run(["plan", "-c", "a.yaml"]).stderr.isEmpty)
    }

    @Test func doneWorksForAResourceThatLeftTheConfig() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.flaky)
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 1)
        let token = try await Self.token(for: "script:flaky", tend)
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let done = try await tend.run(["recover", token, "--done"])
        #expect(done.status == 0, "\(done.stderr)")
        #expect(try await tend.run(["recover"]).stdout == "No failed changes.\n")
    }

    @Test func aRetryOfAResourceThatAlreadyMatchesClosesTheRecord() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.flaky)
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 1)
        let token = try await Self.token(for: "script:flaky", tend)
        try home.write("done", "")  // the user made it by hand
        let retry = try await tend.run(["recover", token, "--retry", "--yes"])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout.contains("script:flaky already matches the config; its failed change is closed."))
        #expect(try await tend.run(["recover"]).stdout == "No failed changes.\n")
    }

    // MARK: Issue 10 Deliver 7: state safety

    @Test func commandsThatWriteTheStateTakeTheLockAndForgetAllDropsEveryFailure() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.flaky + """
              - {type: script, id: other, check: test -f "$HOME/other-done", create: exit 4}

            """.replacingOccurrences(of: "tend: 1\nresources:\n", with: ""))
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 1)
        try home.write("fixed", "")
        #expect(try await tend.run(["apply", "--yes", "--target", "script:flaky"]).status == 0)
        let token = try await Self.token(for: "script:other", tend)

        let lock = StateLock(statePath: Self.statePath(home))
        try lock.acquire(holder: .current(command: "a test holding the lock"), timeout: 0)
        for arguments in [["state", "forget", "script:flaky"], ["recover", "--forget", "--all"],
                          ["recover", token, "--forget"]] {
            let result = try await tend.run(arguments)
            #expect(result.status == 1, "\(arguments) ran while another held the lock")
            #expect(result.stderr.contains("another tend is applying") && result.stderr.contains("a test holding the lock"),
                    "\(arguments): \(result.stderr)")
        }
        #expect(try await tend.run(["state", "list"]).stdout.contains("script:flaky"))
        #expect(try await tend.run(["recover"]).stdout.contains(token))
        lock.release()

        #expect(try await tend.run(["state", "forget", "script:flaky"]).status == 0)
        let forget = try await tend.run(["recover", "--forget", "--all"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout == "Forgot 1 failed change; nothing on this machine was changed.\n", "\(forget.stdout)")
        #expect(try await tend.run(["recover"]).stdout == "No failed changes.\n")
    }

    @Test func ctrlCWhileWaitingForTheLockEndsTheWaitWith130() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: file, path: ~/made.txt, content: \"x\\n\"}\n")
        let tend = TendBinary(home: home)
        try FileManager.default.createDirectory(atPath: home.path + "/.local/state/tend", withIntermediateDirectories: true)
        let lock = StateLock(statePath: Self.statePath(home))
        try lock.acquire(holder: .current(command: "a test holding the lock"), timeout: 0)
        defer { lock.release() }
        // A wait longer than any loaded machine needs to get the Ctrl-C in: only the Ctrl-C can end it.
        let process = try Self.start(tend, ["apply", "--yes", "--lock-timeout", "3600"])
        try await Awaited.until("tend to say it waits for the lock") {
            Self.text(home.path + "/err.txt")?.contains("waiting up to 3600s for the state lock") == true || !process.isRunning
        }
        try #require(process.isRunning, "tend ended instead of waiting: \(Self.text(home.path + "/err.txt") ?? "")")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(Self.text(home.path + "/err.txt") ?? "")")
        #expect(Self.text(home.path + "/err.txt")?.contains("stopped waiting for the lock") == true)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/made.txt"))
    }

    @Test func aDamagedPageOfATableTheRunDoesNotReadStopsApplyAndDestroy() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: script, id: ok, check: test -f "$HOME/ok", create: touch "$HOME/ok", destroy: rm "$HOME/ok"}
            """)
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        let state = Self.statePath(home)
        // Everything into the main file, then the page size and the root page of the backup table, which a run
        // of scripts never reads.
        let layout = try await Self.sh(["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = c.execute("PRAGMA page_size").fetchone()[0]
            root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'backup'").fetchone()[0]
            print(size, root)
            """, state]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(layout.count == 2)
        let junk = try home.write("junk", String(repeating: "\u{7F}", count: layout[0]))
        _ = try await Self.sh(["dd", "if=\(junk)", "of=\(state)", "bs=\(layout[0])", "seek=\(layout[1] - 1)", "count=1",
                               "conv=notrunc"])

        for arguments in [["apply", "--yes"], ["destroy", "--all", "--yes"]] {
            let result = try await tend.run(arguments)
            #expect(result.status == 1, "\(arguments) went on with a damaged state: \(result.stdout)")
            #expect(result.stderr.contains("the state at \(state) is damaged: SQLite's integrity check"), "\(result.stderr)")
            #expect(result.stderr.contains("restore the file from a backup"), "\(result.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: home.path + "/ok"), "destroy ran")
        let history = try await tend.run(["history"])
        #expect(history.stdout.split(separator: "\n").count == 2, "a run was recorded in the damaged state: \(history.stdout)")
    }

    @Test func anEmptyStateFileIsAnErrorNotANewState() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: file, path: ~/made.txt, content: \"x\\n\"}\n")
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        let state = Self.statePath(home)
        for companion in [state + "-wal", state + "-shm"] { try? FileManager.default.removeItem(atPath: companion) }
        #expect(truncate(state, 0) == 0)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("the state at \(state) is damaged: the file is empty (0 bytes)"), "\(apply.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: state)[.size] as? Int
        #expect(size == 0, "the empty state was started anew")
    }

    @Test func symbolicLinksAtTheLockAndTheStateAreNotFollowed() async throws {
        let home = try TemporaryHome()
        let elsewhere = try TemporaryHome(prefix: "tend-elsewhere")
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        let state = Self.statePath(home)
        let precious = try elsewhere.write("precious.txt", "keep me\n")

        try? FileManager.default.removeItem(atPath: state + ".lock")
        try FileManager.default.createSymbolicLink(atPath: state + ".lock", withDestinationPath: precious)
        let locked = try await tend.run(["apply", "--yes"])
        #expect(locked.status == 1)
        #expect(locked.stderr.contains("the lock \(state).lock is a symbolic link"), "\(locked.stderr)")
        #expect(Self.text(precious) == "keep me\n", "the lock's target was truncated")
        try FileManager.default.removeItem(atPath: state + ".lock")

        for companion in [state + "-wal", state + "-shm"] { try? FileManager.default.removeItem(atPath: companion) }
        let real = elsewhere.path + "/real.db"
        try FileManager.default.moveItem(atPath: state, toPath: real)
        let before = try Data(contentsOf: URL(fileURLWithPath: real))
        try FileManager.default.createSymbolicLink(atPath: state, withDestinationPath: real)
        let linked = try await tend.run(["apply", "--yes"])
        #expect(linked.status == 1)
        #expect(linked.stderr.contains("it is a symbolic link, which tend does not follow"), "\(linked.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: real)) == before)
    }

    // MARK: Issue 10 "Smaller": saved plans and destroy

    @Test func aSavedPlanAppliedWithAnotherConfigIsRefused() async throws {
        let home = try TemporaryHome()
        try home.write("a.yaml", "tend: 1\nresources:\n  - {type: file, path: ~/from-a.txt, content: \"a\\n\"}\n")
        try home.write("other.yaml", "tend: 1\nresources: []\n")
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["plan", "-c", "a.yaml", "--out", "plan.json"]).status == 0)
        let other = try await tend.run(["apply", "plan.json", "-c", "other.yaml"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("plan.json was made from \(home.path)/a.yaml, not other.yaml"), "\(other.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/from-a.txt"))
        let same = try await tend.run(["apply", "plan.json", "-c", "a.yaml"])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(Self.text(home.path + "/from-a.txt") == "a\n")
    }

    @Test func aDestroyThatFailsDoesNotKeepUnrelatedOriginalsFromComingBack() async throws {
        let home = try TemporaryHome()
        let names = ["one", "two", "three", "four"]
        for name in names { try home.write("\(name).txt", "original \(name)\n") }
        try home.write("tend.yaml", "tend: 1\nresources:\n"
            + "  - {type: script, id: nodestroy, check: test -f \"$HOME/s\", create: touch \"$HOME/s\"}\n"
            + names.map { "  - {type: file, path: ~/\($0).txt, content: \"tend \($0)\\n\"}\n" }.joined())
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        for name in names { #expect(Self.text(home.path + "/\(name).txt") == "tend \(name)\n") }
        let destroy = try await tend.run(["destroy", "--all", "--yes"])
        #expect(destroy.status == 1)
        #expect(destroy.stderr.contains("script:nodestroy"), "\(destroy.stderr)")
        for name in names {
            #expect(Self.text(home.path + "/\(name).txt") == "original \(name)\n", "~/\(name).txt was not put back")
        }
    }
}
