import Foundation
import Testing
import TendCore
import TendTestSupport

/// A plugin that misbehaves during APPLY fails only its own change, with a message that names it and quotes
/// what it printed; an unrelated file and another plugin's resource in the same run still converge.
@Suite struct PluginMisbehaviourEndToEndTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var behaviour: String
        var message: String
        var testDescription: String { behaviour }
    }

    static let cases: [Case] = [
        // Not misbehaviour: a RESULT that says the change failed fails it with the plugin's own words, escaped.
        Case(behaviour: "fails", message: "plugin probe.py failed: quota exceeded\\x07"),
        Case(behaviour: "notjson",
             message: "plugin probe.py printed a line that is not one JSON object: 'not json \\e[31m'"),
        Case(behaviour: "dies",
             message: "plugin probe.py exited with status 3 while tend waited for its answer to APPLY for probe:one; "
                + "the end of its stderr: 'boom: disk on fire'"),
        Case(behaviour: "signal",
             message: "plugin probe.py was killed by signal 9 while tend waited for its answer to APPLY for probe:one"),
        Case(behaviour: "hangs",
             message: "plugin probe.py sent nothing for 2 seconds while tend waited for its answer to APPLY for "
                + "probe:one; tend stopped it (raise TEND_PLUGIN_TIMEOUT or the resource's timeout)"),
        Case(behaviour: "unasked",
             message: "plugin probe.py sent a CONTROL for 'probe:someone-else', an address tend did not ask it about "
                + "(it asked about probe:one); the change fails and the stored parameters stay as they were"),
        Case(behaviour: "noresult",
             message: "plugin probe.py exited with status 0 while tend waited for its answer to APPLY for probe:one"),
        Case(behaviour: "wrongtype",
             message: "plugin probe.py sent a 'REFRESH_RESULT' message where tend expected LOG, CONTROL or RESULT "
                + "for probe:one"),
        Case(behaviour: "badcontrol",
             message: "plugin probe.py sent a CONTROL for probe:one that does not fit type probe: 'count' of type "
                + "probe expects an integer, got \"many\"; the change fails and the stored parameters stay as they were"),
        Case(behaviour: "longline",
             message: "plugin probe.py printed a line longer than 1048576 bytes, starting '"
                + String(repeating: "x", count: 200) + "...'; tend stopped it"),
        Case(behaviour: "flood",
             message: "plugin probe.py sent more than 10000 messages in answer to APPLY for probe:one; tend stopped it"),
    ]

    @Test(.enabled(if: PluginFixtures.hasPython, "the probe and marker plugins need python3 on PATH"),
          arguments: cases)
    func misbehaviourFailsOnlyThePluginsOwnChange(_ testCase: Case) async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installProbe(testCase.behaviour, in: home)
        try PluginFixtures.installExample("marker.py", in: home)
        try home.write("tend.yaml", """
            tend: 1
            plugins: [./plugins/probe.py, ./plugins/marker.py]
            resources:
              - type: probe
                name: one
                timeout: 2
              - type: file
                path: ~/unrelated.txt
                content: "still written\\n"
              - type: marker
                path: ~/other-plugin.txt
                text: "the other plugin goes on\\n"
            """)
        let tend = TendBinary(home: home)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stderr.contains("probe:one: " + testCase.message + "\n"), "\(apply.stderr)")
        #expect(apply.stdout.contains("1 failed"))
        #expect(try String(contentsOfFile: home.path + "/unrelated.txt", encoding: .utf8) == "still written\n")
        #expect(try String(contentsOfFile: home.path + "/other-plugin.txt", encoding: .utf8)
                    == "the other plugin goes on\n")
        // The failed change left nothing in the state; the others are managed.
        let state = try await tend.run(["state", "list"])
        #expect(!state.stdout.contains("probe:one"))
        #expect(state.stdout.contains("file:~/unrelated.txt"))
        #expect(state.stdout.contains("marker:~/other-plugin.txt"))

        if testCase.behaviour == "hangs" {
            // The hung plugin was killed, not left behind: its process is gone (or a zombie nobody waits for).
            let pid = try await Awaited.pid(writtenTo: home.path + "/probe.pid")
            #expect(!Awaited.isRunning(pid), "the hung plugin (pid \(pid)) is still running")
        }
    }

    /// The plugin's first failure stops it; a second change of its types in the same run fails with that
    /// reason instead of talking to a stream that no longer lines up.
    @Test(.enabled(if: PluginFixtures.hasPython, "the probe plugin needs python3 on PATH"))
    func aStoppedPluginFailsItsLaterChangesWithTheFirstReason() async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installProbe("dies", in: home)
        try home.write("tend.yaml", """
            tend: 1
            plugins: [./plugins/probe.py]
            resources:
              - type: probe
                name: one
              - type: probe
                name: two
            """)
        let apply = try await TendBinary(home: home).run(["apply", "--yes", "--jobs", "1"])
        #expect(apply.status == 1)
        let died = "plugin probe.py exited with status 3 while tend waited for its answer to APPLY for probe:one; "
            + "the end of its stderr: 'boom: disk on fire'"
        #expect(apply.stderr.contains("probe:one: \(died)\n"), "\(apply.stderr)")
        #expect(apply.stderr.contains("probe:two: plugin probe.py was stopped earlier in this run, so tend did not "
                                      + "ask it: \(died)\n"), "\(apply.stderr)")
    }

    /// Ctrl-C twice while a plugin is answering: tend exits 130 and the plugin does not outlive it.
    @Test(.enabled(if: PluginFixtures.hasPython, "the probe plugin needs python3 on PATH"))
    func ctrlCTwiceStopsAPluginInTheMiddleOfItsAnswer() async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installProbe("hangs", in: home)
        try home.write("tend.yaml", """
            tend: 1
            plugins: [./plugins/probe.py]
            resources:
              - type: probe
                name: one
                timeout: 3600
            """)
        // A grace longer than any test run: on a loaded machine the default 10 s can pass before the check below.
        let tend = TendBinary(home: home, environment: ["TEND_INTERRUPT_GRACE": "3600"])
        let process = try InterruptEndToEndTests.startApply(tend, home)
        let plugin = try await Awaited.pid(writtenTo: home.path + "/probe.pid")
        kill(process.processIdentifier, SIGINT)
        try await Awaited.file(home.path + "/err.txt", containing: "Stopping: no new changes will start")
        #expect(Awaited.isRunning(plugin), "the first Ctrl-C lets the running change go on")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(!Awaited.isRunning(plugin), "the plugin outlived tend")
    }
}
