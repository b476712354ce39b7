import Foundation
import Testing
import TendCore
import TendTestSupport

@Suite struct StateEndToEndTests {
    @Test func failedChangesWaitForRecover() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: script, id: flaky, check: test -f "$HOME/fixed", create: "echo cannot >&2; exit 3"}
              - {type: file, path: ~/independent.txt, content: "fine\\n"}
            """)
        let tend = TendBinary(home: home)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("script:flaky: the create text of script flaky exited with status 3"))
        #expect(FileManager.default.fileExists(atPath: home.path + "/independent.txt"))
        let plan = try await tend.run(["plan"])
        #expect(plan.stderr.contains("the create of script:flaky failed in run 1 and waits for 'tend recover"))
        let list = try await tend.run(["recover"])
        let token = try #require(list.stdout.split(separator: " ").first.map(String.init))
        #expect(list.stdout.contains("create script:flaky"))
        // The user fixes it by hand and says so.
        try home.write("fixed", "")
        let done = try await tend.run(["recover", token, "--done"])
        #expect(done.status == 0, "\(done.stderr)")
        #expect(try await tend.run(["recover"]).stdout == "No failed changes.\n")
        let show = try await tend.run(["state", "show", "script:flaky", "--json"])
        #expect(show.stdout.contains("\"address\": \"script:flaky\""))
        let forget = try await tend.run(["state", "forget", "script:flaky"])
        #expect(forget.stdout == "tend no longer manages script:flaky; nothing on this machine was changed.\n")
        let list2 = try await tend.run(["state", "list", "--json"])
        #expect(!list2.stdout.contains("script:flaky"))
        #expect(list2.stdout.contains("file:~/independent.txt"))
    }

    @Test func outputsAreKnownAfterApplyAndFlowIntoOtherResources() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: file, path: ~/data.txt, content: "payload\\n"}
              - {type: env, name: DATA_SHA, value: "${outputs.file:~/data.txt.sha256}"}
            """)
        let tend = TendBinary(home: home)
        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("+ value: (known after apply)"))
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let profile = try String(contentsOfFile: home.path + "/.config/tend/profile.sh", encoding: .utf8)
        #expect(profile.contains("export DATA_SHA='\(SHA256.digest("payload\n"))'"))
        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
        let state = try await tend.run(["state", "show", "file:~/data.txt"])
        #expect(state.stdout.contains("output sha256: \"\(SHA256.digest("payload\n"))\""))
    }

    @Test func aStateFromANewerTendIsRefused() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let tend = TendBinary(home: home)
        _ = try await tend.run(["apply", "--yes"])
        _ = try await tend.run(["history"])
        let path = home.path + "/.local/state/tend/state.db"
        _ = try await SystemProcessRunner().run(Command(["python3", "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('pragma user_version = 99'); c.commit()", path]))
        let history = try await tend.run(["history"])
        #expect(history.status == 1)
        #expect(history.stderr.contains("was written by a newer tend"))
    }
}
