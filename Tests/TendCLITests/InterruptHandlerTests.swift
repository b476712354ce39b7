import Foundation
import Testing
import TendCore
import TendTestSupport

/// `InterruptHandler` takes SIGTERM as it takes Ctrl-C (the Ctrl-C cases are in InterruptEndToEndTests): the
/// first lets the running change finish and starts nothing new, the second stops running commands at once.
/// Every wait is on an event (a file, a line); the scripts give up, failing, only after three minutes.
@Suite(.serialized) struct InterruptHandlerTests {
    @Test func firstTermLetsTheRunningChangeFinishAndStartsNoOther() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: script
                id: a
                check: test -f "$HOME/a"
                create: touch "$HOME/started"; i=0; while [ ! -f "$HOME/go" ] && [ $i -lt 3600 ]; do sleep 0.05; i=$((i+1)); done; [ -f "$HOME/go" ] || exit 97; touch "$HOME/a"
              - {type: script, id: b, check: test -f "$HOME/b", create: touch "$HOME/b", dependsOn: [script:a]}
            """)
        let tend = try BuiltTend(home: home, environment: ["TEND_INTERRUPT_GRACE": "3600"])
        let process = try tend.start(["apply", "--yes", "--jobs", "1"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try await Awaited.file(home.path + "/started")
        kill(process.processIdentifier, SIGTERM)
        try await Awaited.file(home.path + "/err.txt", containing: "Stopping: no new changes will start")
        FileManager.default.createFile(atPath: home.path + "/go", contents: nil)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
        #expect(FileManager.default.fileExists(atPath: home.path + "/a"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/b"))
        let err = try String(contentsOfFile: home.path + "/err.txt", encoding: .utf8)
        #expect(err.contains("running ones get 3600s to finish"), "\(err)")
    }

    @Test func secondTermStopsTheRunningCommandAtOnce() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: script
                id: slow
                check: test -f "$HOME/done"
                create: echo $$ > "$HOME/script.pid"; i=0; while [ ! -f "$HOME/go" ] && [ $i -lt 3600 ]; do sleep 0.05; i=$((i+1)); done; touch "$HOME/done"
            """)
        let tend = try BuiltTend(home: home, environment: ["TEND_INTERRUPT_GRACE": "3600"])
        let process = try tend.start(["apply", "--yes", "--jobs", "1"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let script = try await Awaited.pid(writtenTo: home.path + "/script.pid")
        kill(process.processIdentifier, SIGTERM)
        try await Awaited.file(home.path + "/err.txt", containing: "Stopping: no new changes will start")
        #expect(Awaited.isRunning(script), "the first signal lets the running change go on")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let err = try String(contentsOfFile: home.path + "/err.txt", encoding: .utf8)
        #expect(err.contains("Stopping running changes now."), "\(err)")
        // The script was stopped, not waited out: had it been left running, the go file would let it finish.
        FileManager.default.createFile(atPath: home.path + "/go", contents: nil)
        try await Awaited.until("the script's shell (pid \(script)) to be gone") { !Awaited.isRunning(script) }
        #expect(!FileManager.default.fileExists(atPath: home.path + "/done"))
    }
}
