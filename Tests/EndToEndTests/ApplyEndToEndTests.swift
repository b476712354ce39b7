import Foundation
import Testing
import TendCore
import TendTestSupport

/// `PRAGMA integrity_check` of a state file, through Python's sqlite3 (a reader independent of tend).
/// A missing file or a failed check is its own answer, never "ok".
func integrityCheck(_ path: String) async throws -> String {
    guard FileManager.default.fileExists(atPath: path) else { return "no state file at \(path)" }
    let result = try await SystemProcessRunner().run(Command([
        "python3", "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])",
        path,
    ]))
    guard result.succeeded else { return "the integrity check could not run: \(result.errorOutput)" }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
}

func isInstalled(_ package: String) async throws -> Bool {
    let result = try await SystemProcessRunner().run(Command(["dpkg-query", "-W", "-f", "${Status}", package]))
    return result.output.hasSuffix("install ok installed")
}

@Suite(.serialized) struct ApplyEndToEndTests {
    @Test func applyConvergesAndASecondPlanIsEmpty() async throws {
        let home = try TemporaryHome()
        try home.write("dotfiles/vimrc", "set number\n")
        try home.write("existing.txt", "the user's own words\n", mode: 0o640)
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: directory
                path: ~/src/app
                mode: "0750"
              - type: file
                path: ~/src/app/README
                content: "hello\\n"
                dependsOn: [directory:~/src/app]
              - type: file
                path: ~/existing.txt
                content: "tend's words\\n"
              - type: symlink
                path: ~/.vimrc
                target: ./dotfiles/vimrc
              - type: alias
                name: gs
                value: git status
              - type: env
                name: EDITOR
                value: vim
              - type: git-config
                key: user.name
                value: Tend Tester
            """)
        // fish in use, so the hooks are the same on every machine: ~/.bashrc, ~/.profile and fish's conf.d file.
        try home.write(".config/fish/config.fish", "")
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("Apply complete: 10 changed, 0 unchanged, 0 failed, 0 skipped"), "\(apply.stdout)")
        #expect(try String(contentsOfFile: home.path + "/src/app/README", encoding: .utf8) == "hello\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: home.path + "/.vimrc") == home.path + "/dotfiles/vimrc")
        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)")
        #expect(plan.stdout == "No changes: this machine matches tend.yaml.\n")
        let again = try await tend.run(["apply", "--yes"])
        #expect(again.status == 0)
        #expect(again.stdout == "No changes: this machine matches tend.yaml.\n")

        // The run is in the history and its report lists every change with its commands.
        let history = try await tend.run(["history"])
        #expect(history.stdout.contains("apply    succeeded"))
        let report = try await tend.run(["report", "--format", "json"])
        #expect(report.status == 0)
        #expect(report.stdout.contains("\"address\": \"git-config:user.name\""))
        #expect(report.stdout.contains("\"argv\": ["))
        let state = try await tend.run(["state", "show", "file:~/existing.txt"])
        #expect(state.stdout.contains("adopted: it was there before tend"))
        #expect(state.stdout.contains("backups (see 'tend backups show ID'):"))
        #expect(try await integrityCheck(home.path + "/.local/state/tend/state.db") == "ok")
    }

    @Test func resourcesLeavingTheConfigAreDestroyedOrGivenBack() async throws {
        let home = try TemporaryHome()
        let original = "the user's own words\nwith two lines\n"
        try home.write("existing.txt", original, mode: 0o640)
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: file, path: ~/made-by-tend.txt, content: "new\\n"}
              - {type: file, path: ~/existing.txt, content: "overwritten\\n"}
            """)
        let tend = TendBinary(home: home)
        let first = try await tend.run(["apply", "--yes"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try String(contentsOfFile: home.path + "/existing.txt", encoding: .utf8) == "overwritten\n")
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("- file:~/made-by-tend.txt"))
        #expect(plan.stdout.contains("no longer in the config, and tend created it"))
        #expect(plan.stdout.contains("< file:~/existing.txt"))
        #expect(plan.stdout.contains("no longer in the config, and it was there before tend"))
        let second = try await tend.run(["apply", "--yes"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/made-by-tend.txt"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.path + "/existing.txt")) == Data(original.utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: home.path + "/existing.txt")
        #expect(attributes[.posixPermissions] as? Int == 0o640)
        let list = try await tend.run(["state", "list"])
        #expect(list.stdout == "tend manages nothing yet.\n")
    }

    @Test func applyWithoutATerminalNeedsYes() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: file, path: ~/x, content: x}\n")
        let output = try await TendBinary(home: home).run(["apply"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("pass --yes"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/x"))
    }

    @Test func savedPlanAppliesExactlyAndRefusesWhenStale() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: file, path: ~/a.txt, content: \"a\\n\"}\n")
        let tend = TendBinary(home: home)
        _ = try await tend.run(["plan", "--out", "plan.json"])
        try home.write("a.txt", "someone else wrote this\n")
        let stale = try await tend.run(["apply", "plan.json"])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("plan is stale: file:~/a.txt changed since the plan was made"))
        #expect(try String(contentsOfFile: home.path + "/a.txt", encoding: .utf8) == "someone else wrote this\n")
        _ = try await tend.run(["plan", "--out", "plan.json"])
        let fresh = try await tend.run(["apply", "plan.json"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(try String(contentsOfFile: home.path + "/a.txt", encoding: .utf8) == "a\n")
    }

    @Test func aSecretGivenThroughTheEnvironmentAppearsNowhere() async throws {
        let home = try TemporaryHome()
        let secret = "tend-secret-6f1c93"
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: git-config
                key: credential.token
                value: ${env.TEND_SECRET}
                sensitive: [value]
            """)
        let tend = TendBinary(home: home, environment: ["TEND_SECRET": secret])
        var printed = ""
        for arguments in [["plan"], ["plan", "--json", "--out", "p.json"], ["plan", "--format", "markdown"], ["apply", "--yes", "-v"],
                          ["report"], ["report", "--format", "json"], ["history", "--json"],
                          ["state", "show", "git-config:credential.token", "--json"]] {
            let output = try await tend.run(arguments)
            printed += output.stdout + output.stderr
        }
        #expect(!printed.contains(secret))
        #expect(printed.contains("(sensitive)"))
        for file in ["p.json", ".local/state/tend/state.db", ".local/state/tend/state.db-wal"] {
            let path = home.path + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            #expect(!String(decoding: data, as: UTF8.self).contains(secret), "\(file) holds the secret")
        }
        // The host itself does get the value: that is what the resource is for.
        let gitconfig = try String(contentsOfFile: home.path + "/.gitconfig", encoding: .utf8)
        #expect(gitconfig.contains(secret))
    }

    /// The second apply starts while the first is inside its script (so holds the lock), and the script
    /// finishes only when the second has given up: the order comes from events, not from a head start.
    @Test func twoAppliesStartedTogetherNeverInterleave() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: script
                id: slow
                check: test -f "$HOME/done"
                create: echo start >> "$HOME/log"; i=0; while [ ! -f "$HOME/go" ] && [ $i -lt 3600 ]; do sleep 0.05; i=$((i+1)); done; [ -f "$HOME/go" ] || { echo "gave up waiting for $HOME/go" >&2; exit 97; }; echo end >> "$HOME/log"; touch "$HOME/done"
            """)
        let tend = TendBinary(home: home)
        async let first = tend.run(["apply", "--yes"])
        try await Awaited.file(home.path + "/log", containing: "start\n")
        let second = try await tend.run(["apply", "--yes"])
        FileManager.default.createFile(atPath: home.path + "/go", contents: nil)
        let firstResult = try await first
        #expect(firstResult.status == 0, "\(firstResult.stderr)")
        #expect(second.status != 0)
        #expect(second.stderr.contains("another tend is applying with the state at"), "\(second.stderr)")
        #expect(second.stderr.contains("pid "))
        #expect(try String(contentsOfFile: home.path + "/log", encoding: .utf8) == "start\nend\n")
        let waiting = try await tend.run(["apply", "--yes", "--lock-timeout", "30"])
        #expect(waiting.status == 0)
    }

    /// tend is killed (-9) at moments chosen by events, a different one each round: once a random one of the 150
    /// files is written (tend may rarely be done by then), or while the script waits (so the run is surely recorded
    /// and unfinished).
    @Test func killedApplyLosesNothingAndTheNextOneConverges() async throws {
        let home = try TemporaryHome()
        var yaml = "tend: 1\nresources:\n"
        for i in 0..<150 {
            yaml += "  - {type: file, path: ~/out/f\(i).txt, content: \"\(String(repeating: "line \(i)\\n", count: 50))\"}\n"
        }
        // Waits for the test's go-ahead (at most 3 minutes, then fails rather than carry on as if it came), so that
        // a kill in the middle of it is certain.
        yaml += """
              - type: script
                id: pause
                check: test -f "$HOME/paused"
                create: touch "$HOME/pausing"; i=0; while [ ! -f "$HOME/go" ] && [ $i -lt 3600 ]; do sleep 0.05; i=$((i+1)); done; [ -f "$HOME/go" ] || { echo "gave up waiting for $HOME/go" >&2; exit 97; }; touch "$HOME/paused"

            """
        try home.write("tend.yaml", yaml)
        let tend = TendBinary(home: home)
        // Seeded, so a failing round picks the same files again on the next run.
        var generator = SeededGenerator(seed: 0x7E4D_0009)
        for round in 0..<12 {
            let inScript = round % 4 == 0
            let marker: String
            if inScript {
                for name in ["paused", "pausing", "go"] { try? FileManager.default.removeItem(atPath: home.path + "/" + name) }
                marker = home.path + "/pausing"
            } else {
                // All 150 files to write again, and the kill once a random one of them is there.
                try? FileManager.default.removeItem(atPath: home.path + "/out")
                marker = home.path + "/out/f\(Int.random(in: 0..<150, using: &generator)).txt"
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TendBinary.path)
            process.arguments = ["apply", "--yes", "--jobs", "2"]
            process.environment = tend.environment
            process.currentDirectoryURL = URL(fileURLWithPath: home.path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Awaited.until("\(marker) to appear, or tend to end") {
                FileManager.default.fileExists(atPath: marker) || !process.isRunning
            }
            try #require(FileManager.default.fileExists(atPath: marker), "round \(round): tend ended without writing \(marker)")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if inScript {
                #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
                        "round \(round): tend ended before the kill, with the script still waiting")
                // The script outlives tend; it is let finish so that it cannot write during the next round.
                FileManager.default.createFile(atPath: home.path + "/go", contents: nil)
                try await Awaited.file(home.path + "/paused")
            }
            // Nothing half-written: every file is absent or complete (a temporary file may be left by the kill).
            let names = (try? FileManager.default.contentsOfDirectory(atPath: home.path + "/out")) ?? []
            for name in names where !name.hasPrefix(".") {
                if let index = Int(name.dropFirst().dropLast(4)) {
                    let text = try String(contentsOfFile: home.path + "/out/" + name, encoding: .utf8)
                    #expect(text == String(repeating: "line \(index)\n", count: 50), "round \(round): \(name) is half-written")
                }
            }
            #expect(try await integrityCheck(home.path + "/.local/state/tend/state.db") == "ok")
        }
        let finish = try await tend.run(["apply", "--yes"])
        #expect(finish.status == 0, "\(finish.stdout)\n\(finish.stderr)")
        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)")
        // The converging apply swept up the temporary files of the killed ones.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.path + "/out").filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
        let history = try await tend.run(["history", "--limit", "50"])
        #expect(history.stdout.contains("interrupted"))
        #expect(try await integrityCheck(home.path + "/.local/state/tend/state.db") == "ok")
    }
}
