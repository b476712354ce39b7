import Foundation
import Testing
import TendCore
import TendTestSupport

/// A run killed (-9) inside a change leaves that change's transaction open; the next apply refreshes the
/// resource and records what actually happened, saying so, before it plans.
@Suite(.serialized) struct ReconciliationTests {
    /// A script that writes `made` first (when `early`) or last, and in between waits for the test's `go`.
    static func config(madeEarly: Bool) -> String {
        let wait = #"i=0; while [ ! -f "$HOME/go" ] && [ $i -lt 3600 ]; do sleep 0.05; i=$((i+1)); done; [ -f "$HOME/go" ] || exit 97"#
        let body = madeEarly
            ? #"touch "$HOME/made"; echo $$ > "$HOME/script.pid"; "# + wait
            : #"echo $$ > "$HOME/script.pid"; "# + wait + #"; touch "$HOME/made""#
        return "tend: 1\nresources:\n  - type: script\n    id: half\n    check: test -f \"$HOME/made\"\n    create: '\(body)'\n"
    }

    /// Starts an apply, kills it (-9) once the script runs, and returns the script's pid (still running).
    static func killedApply(_ tend: BuiltTend) async throws -> Int32 {
        let process = try tend.start(["apply", "--yes"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let script = try await Awaited.pid(writtenTo: tend.home.path + "/script.pid")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try #require(process.terminationReason == .uncaughtSignal, "tend ended before the kill")
        return script
    }

    @Test func aChangeThatTookEffectIsRecordedAsDone() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config(madeEarly: true))
        let tend = try BuiltTend(home: home)
        let script = try await Self.killedApply(tend)
        // The script outlives tend; let it finish so nothing runs during the next apply.
        FileManager.default.createFile(atPath: home.path + "/go", contents: nil)
        try await Awaited.until("the script (pid \(script)) to end") { !Awaited.isRunning(script) }

        let next = try await tend.run(["apply", "--yes"])
        #expect(next.status == 0, "\(next.stdout)\n\(next.stderr)")
        #expect(next.stderr.contains("reconciled script:half, left unfinished by an interrupted run: it is present now"),
                "\(next.stderr)")
        #expect(try await tend.run(["state", "list"]).stdout.contains("script:half"))
        #expect(try await tend.run(["history"]).stdout.contains("interrupted"))
        #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 0)
    }

    @Test func aChangeThatNeverTookEffectIsAppliedAgain() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config(madeEarly: false))
        let tend = try BuiltTend(home: home)
        let script = try await Self.killedApply(tend)
        // Stop the orphaned script before it could write: the killed run's change had no effect.
        kill(script, SIGKILL)
        try await Awaited.until("the script (pid \(script)) to end") { !Awaited.isRunning(script) }
        FileManager.default.createFile(atPath: home.path + "/go", contents: nil)

        let next = try await tend.run(["apply", "--yes"])
        #expect(next.status == 0, "\(next.stdout)\n\(next.stderr)")
        #expect(next.stderr.contains("reconciled script:half, left unfinished by an interrupted run: it is absent now"),
                "\(next.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.path + "/made"), "the change ran again\n\(next.stdout)")
        #expect(try await tend.run(["recover"]).stdout == "No failed changes.\n")
    }
}
