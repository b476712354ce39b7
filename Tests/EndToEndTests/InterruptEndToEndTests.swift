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

    @Test func ctrlCLetsTheRunningChangeFinishSkipsTheRestAndExits130() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: script
                id: a
                check: test -f "$HOME/a"
                # Runs until the test lets it finish (at most 3 minutes, then fails), so no timing decides the outcome.
                create: touch "$HOME/started"; i=0; while [ ! -f "$HOME/go" ] && [ $i -lt 3600 ]; do sleep 0.05; i=$((i+1)); done; [ -f "$HOME/go" ] || { echo "gave up waiting for $HOME/go" >&2; exit 97; }; touch "$HOME/a"
              - {type: script, id: b, check: test -f "$HOME/b", create: touch "$HOME/b", dependsOn: [script:a]}
            """)
        // A grace no loaded machine outlasts: the change ends when the test lets it, not when a clock says.
        let tend = TendBinary(home: home, environment: ["TEND_INTERRUPT_GRACE": "3600"])
        let process = try Self.startApply(tend, home)
        try await Awaited.file(home.path + "/started")
        kill(process.processIdentifier, SIGINT)
        // Once tend has taken the Ctrl-C in, the running change may finish.
        try await Awaited.file(home.path + "/err.txt", containing: "Stopping: no new changes will start")
        FileManager.default.createFile(atPath: home.path + "/go", contents: nil)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        // The running change finished within the grace period; the one after it never started.
        #expect(FileManager.default.fileExists(atPath: home.path + "/a"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/b"))
        let err = try String(contentsOfFile: home.path + "/err.txt", encoding: .utf8)
        #expect(err.contains("Stopping: no new changes will start; running ones get 3600s to finish"), "\(err)")
        let history = try await tend.run(["history"])
        #expect(history.stdout.contains("interrupted"))
        // The next apply picks up where it stopped.
        let again = try await tend.run(["apply", "--yes"])
        #expect(again.status == 0)
        #expect(FileManager.default.fileExists(atPath: home.path + "/b"))
    }

    /// The second Ctrl-C stops the running script itself: tend exits 130 with the script's shell gone (not
    /// left running, not waited out), so its last line never runs.
    @Test func secondCtrlCStopsRunningCommandsAtOnce() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: script, id: slow, check: test -f "$HOME/done", create: echo $$ > "$HOME/script.pid"; sleep 60; touch "$HOME/done"}
            """)
        let tend = TendBinary(home: home)
        let process = try Self.startApply(tend, home)
        let script = try await Awaited.pid(writtenTo: home.path + "/script.pid")
        kill(process.processIdentifier, SIGINT)
        try await Awaited.file(home.path + "/err.txt", containing: "Stopping: no new changes will start")
        #expect(Awaited.isRunning(script), "the first Ctrl-C lets the running change go on")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(!Awaited.isRunning(script), "the script's shell outlived tend")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/done"))
        let err = try String(contentsOfFile: home.path + "/err.txt", encoding: .utf8)
        #expect(err.contains("running ones get 10s to finish"), "the default grace\n\(err)")
        #expect(err.contains("interrupted"), "\(err)")
        let report = try await tend.run(["report"])
        #expect(report.stdout.contains("script:slow"))
    }
}
