import Foundation
import Testing
import TendCore
import TendTestSupport

@Suite(.serialized) struct InterruptEndToEndTests {
    /// Starts `tend apply --yes` and returns the process, with its output going to files in the home.
    static func startApply(_ tend: TendBinary, _ home: TemporaryHome) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TendBinary.path)
        process.arguments = ["apply", "--yes", "--jobs", "1"]
        process.environment = tend.environment
        process.currentDirectoryURL = URL(fileURLWithPath: home.path)
        FileManager.default.createFile(atPath: home.path + "/out.txt", contents: nil)
        FileManager.default.createFile(atPath: home.path + "/err.txt", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: home.path + "/out.txt")
        process.standardError = FileHandle(forWritingAtPath: home.path + "/err.txt")
        try process.run()
        return process
    }

    static func waitFor(_ path: String) async throws {
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: path) {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// Waits (at most 10 s) until the file at `path` contains `text`.
    static func waitFor(_ path: String, containing text: String) async throws {
        for _ in 0..<200 {
            if let contents = try? String(contentsOfFile: path, encoding: .utf8), contents.contains(text) { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    @Test func ctrlCLetsTheRunningChangeFinishSkipsTheRestAndExits130() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: script
                id: a
                check: test -f "$HOME/a"
                # Runs until the test lets it finish (at most 30 s), so no timing decides the outcome.
                create: touch "$HOME/started"; i=0; while [ ! -f "$HOME/go" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; touch "$HOME/a"
              - {type: script, id: b, check: test -f "$HOME/b", create: touch "$HOME/b", dependsOn: [script:a]}
            """)
        let tend = TendBinary(home: home)
        let process = try Self.startApply(tend, home)
        try await Self.waitFor(home.path + "/started")
        kill(process.processIdentifier, SIGINT)
        // Once tend has taken the Ctrl-C in, the running change may finish.
        try await Self.waitFor(home.path + "/err.txt", containing: "Stopping: no new changes will start")
        FileManager.default.createFile(atPath: home.path + "/go", contents: nil)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        // The running change finished within the grace period; the one after it never started.
        #expect(FileManager.default.fileExists(atPath: home.path + "/a"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/b"))
        let err = try String(contentsOfFile: home.path + "/err.txt", encoding: .utf8)
        #expect(err.contains("Stopping: no new changes will start"))
        let history = try await tend.run(["history"])
        #expect(history.stdout.contains("interrupted"))
        // The next apply picks up where it stopped.
        let again = try await tend.run(["apply", "--yes"])
        #expect(again.status == 0)
        #expect(FileManager.default.fileExists(atPath: home.path + "/b"))
    }

    @Test func secondCtrlCStopsRunningCommandsAtOnce() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: script, id: slow, check: test -f "$HOME/done", create: touch "$HOME/started"; sleep 60; touch "$HOME/done"}
            """)
        let tend = TendBinary(home: home)
        let started = Date()
        let process = try Self.startApply(tend, home)
        try await Self.waitFor(home.path + "/started")
        kill(process.processIdentifier, SIGINT)
        try await Task.sleep(nanoseconds: 300_000_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/done"))
        #expect(Date().timeIntervalSince(started) < 40, "the sleep 60 was not stopped")
        let report = try await tend.run(["report"])
        #expect(report.stdout.contains("script:slow"))
    }
}
