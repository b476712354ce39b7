import Foundation
import Testing
import TendCore
import TendTestSupport
@testable import TendFleet

/// tend fleet over a real sshd to real local users; `.serialized` because each test makes users and ssh
/// connections on a machine shared with other builds.
@Suite(.serialized, .enabled(if: SSHFleet.unavailableReason == nil, "\(SSHFleet.unavailableReason ?? "")"))
struct FleetSSHTests {
    static let config = """
        tend: 1
        vars:
          greeting: hello
        resources:
          - type: file
            path: ~/fleet/greeting.txt
            content: "${vars.greeting} from ${vars.name}\\n"
          - type: file
            path: ~/fleet/laptop.txt
            content: "only on laptops\\n"
            when: { group: laptops }

        """

    @Test func applyToFiveUsersInParallelConvergesAndTheSecondRunChangesNothing() async throws {
        let fleet = try await SSHFleet(users: 5)
        try fleet.installTend()
        try fleet.workspace.write("config/tend.yaml", Self.config)
        try fleet.writeInventory(groups: "groups:\n  laptops:\n    hosts: [u1, u3]\n    vars: { greeting: hi }\n")

        let first = try await fleet.fleet(["apply", "--parallel", "5"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        for (index, user) in fleet.users.enumerated() {
            let laptop = index == 1 || index == 3
            #expect(fleet.read(user, "fleet/greeting.txt") == "\(laptop ? "hi" : "hello") from u\(index)\n")
            #expect(fleet.read(user, "fleet/laptop.txt") == (laptop ? "only on laptops\n" : nil))
            var status = stat()
            #expect(stat(user.home + "/fleet/greeting.txt", &status) == 0 && status.st_uid == user.uid)
            #expect(first.stdout.contains("u\(index) | done    file:~/fleet/greeting.txt"))
        }
        #expect(first.stdout.contains("5 hosts, all succeeded."))

        let second = try await fleet.fleet(["apply", "--parallel", "5"])
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let rows = second.stdout.split(separator: "\n").filter { $0.hasPrefix("u") && !$0.contains(" | ") }
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.split(separator: " ", omittingEmptySubsequences: true)[1...2] == ["converged", "0"] },
                "\(second.stdout)")
        #expect(!second.stdout.contains("done    file:"))
    }

    @Test func anUnreachableHostAndAFailingChangeDoNotStopTheOthers() async throws {
        let fleet = try await SSHFleet(users: 3)
        try fleet.installTend()
        try fleet.workspace.write("config/tend.yaml", """
            tend: 1
            vars: { fail: "no" }
            resources:
              - type: file
                path: ~/fleet/one.txt
                content: "one\\n"
              - type: script
                id: may-fail
                check: test -e "$HOME/fleet/script-ran"
                create: test "${vars.fail}" != yes && touch "$HOME/fleet/script-ran"

            """)
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        try fleet.writeInventory(extra: [2: "fail: \"yes\""],
                                 additional: "  down:\n    address: \(fleet.users[0].name)@127.0.0.1:1\n")
        let run = try await fleet.fleet(["apply"])
        #expect(run.status == 1)
        #expect(fleet.read(fleet.users[0], "fleet/script-ran") != nil)
        #expect(fleet.read(fleet.users[1], "fleet/script-ran") != nil)
        #expect(fleet.read(fleet.users[2], "fleet/one.txt") == "one\n")
        #expect(fleet.read(fleet.users[2], "fleet/script-ran") == nil)
        let table = run.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        func row(_ host: String) -> [Substring]? { table.first { $0.first.map(String.init) == host && $0.count > 1 && $0[1] != "|" } }
        #expect(row("u0")?[1] == "changed")
        #expect(row("u1")?[1] == "changed")
        #expect(row("u2")?[1] == "failed")
        #expect(row("down")?[1] == "unreachable")
        #expect(run.stdout.contains("u2: script:may-fail"), "\(run.stdout)")
        #expect(run.stdout.contains("down: ") && run.stdout.contains("Connection refused"), "\(run.stdout)")
        #expect(run.stdout.contains("4 hosts, 2 failed."))
    }

    @Test func hostsPatternSelectsByNameOrGroup() async throws {
        let fleet = try await SSHFleet(users: 3)
        try fleet.installTend()
        try fleet.workspace.write("config/tend.yaml", Self.config)
        try fleet.writeInventory(groups: "groups:\n  laptops:\n    hosts: [u2]\n")
        let byName = try await fleet.fleet(["apply", "--hosts", "u0"])
        #expect(byName.status == 0, "\(byName.stdout)\(byName.stderr)")
        #expect(fleet.read(fleet.users[0], "fleet/greeting.txt") == "hello from u0\n")
        #expect(fleet.read(fleet.users[1], "fleet/greeting.txt") == nil)
        #expect(fleet.read(fleet.users[2], "fleet/greeting.txt") == nil)
        let byGroup = try await fleet.fleet(["apply", "--hosts", "lap*"])
        #expect(byGroup.status == 0)
        #expect(fleet.read(fleet.users[2], "fleet/laptop.txt") == "only on laptops\n")
        #expect(fleet.read(fleet.users[1], "fleet/greeting.txt") == nil)
        let none = try await fleet.fleet(["apply", "--hosts", "web*"])
        #expect(none.status != 0)
        #expect(none.stderr.contains("--hosts 'web*' matches no host or group"))
    }

    @Test func planShowsDriftOnOneHostAndChangesNothing() async throws {
        let fleet = try await SSHFleet(users: 2)
        try fleet.installTend()
        try fleet.workspace.write("config/tend.yaml", Self.config)
        try fleet.writeInventory()
        #expect(try await fleet.fleet(["apply"]).status == 0)
        let drifted = fleet.users[1].home + "/fleet/greeting.txt"
        try Data("edited by hand\n".utf8).write(to: URL(fileURLWithPath: drifted))
        let plan = try await fleet.fleet(["plan"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("u1 | modify file:~/fleet/greeting.txt"))
        #expect(plan.stdout.contains("u0 | in sync"))
        #expect(fleet.read(fleet.users[1], "fleet/greeting.txt") == "edited by hand\n")
    }

    /// The first apply holds the host's state lock while its script waits on a FIFO the test controls, so the
    /// second fleet apply meets the lock for certain: it refuses (the host's own rule, no --lock-timeout), the
    /// first one then finishes normally.
    @Test func aSecondFleetApplyOnTheSameHostRefusesWhileTheFirstHoldsTheLock() async throws {
        let fleet = try await SSHFleet(users: 1)
        try fleet.installTend()
        let user = fleet.users[0]
        let started = user.home + "/started.fifo"
        let release = user.home + "/release.fifo"
        for fifo in [started, release] {
            #expect(mkfifo(fifo, 0o600) == 0)
            try user.own(fifo)
        }
        try fleet.workspace.write("config/tend.yaml", """
            tend: 1
            resources:
              - type: script
                id: hold
                check: test -e "$HOME/held"
                create: echo started > "$HOME/started.fifo" && cat "$HOME/release.fifo" && touch "$HOME/held"

            """)
        try fleet.writeInventory()
        let tend = try fleet.tend()
        let first = try tend.start(["fleet", "apply", "-c", fleet.workspace.path + "/config/tend.yaml",
                                    "-i", fleet.workspace.path + "/fleet.yaml", "--ssh-config", fleet.sshConfig])
        // Should the first run end without reaching its script, it says so through the FIFO, rather than
        // leaving the read below waiting for ever.
        first.terminationHandler = { process in
            let handle = FileHandle(forWritingAtPath: started)
            handle?.write(Data("first run exited with status \(process.terminationStatus)\n".utf8))
            try? handle?.close()
        }
        // Reading the FIFO returns once the first apply's script has written to it: it holds the lock now.
        let signal = try await SystemProcessRunner(useSudo: false).run(Command(["cat", started], timeout: 600))
        try #require(signal.output == "started\n", "\(signal.output) \(fleet.workspaceOutput())")

        let second = try await fleet.fleet(["apply"])
        #expect(second.status == 1)
        #expect(second.stdout.contains("another tend is applying with the state"), "\(second.stdout)")

        _ = try await SystemProcessRunner(useSudo: false).checked(Command(["sh", "-c", "echo go > \"$1\"", "sh", release],
                                                                      timeout: 600))
        first.waitUntilExit()
        #expect(first.terminationStatus == 0, "\(fleet.workspaceOutput())")
        #expect(FileManager.default.fileExists(atPath: user.home + "/held"))
    }

    /// Hostile words sent through the one quoting function over real ssh arrive as the same bytes, and
    /// hostile paths name exactly the file made on the host.
    @Test func hostileValuesAndPathsArriveLiterallyOverSSH() async throws {
        let fleet = try await SSHFleet(users: 1)
        let user = fleet.users[0]
        let control = try TemporaryHome(prefix: "tend-fleet-cm")
        let connection = SSHConnection(destination: try SSHDestination.parse(fleet.address(user)),
                                       controlPath: control.path + "/c", configFile: fleet.sshConfig)
        try await connection.open()
        let echoed = try await connection.run(["printf", "%s\\000"] + HostileValues.all)
        #expect(echoed.succeeded, "\(echoed.errorOutput)")
        let words = echoed.standardOutput.split(separator: 0, omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(words == HostileValues.all)

        let names = ["it's a file", "$(touch pwned)", "semi;colon", "star*", "new\nline", "-dash", "caf\u{E9} \u{1B}"]
        #expect(try await connection.run(["mkdir", "made"]).succeeded)
        for name in names {
            let made = try await connection.run(["touch", "--", "made/" + name])
            #expect(made.succeeded, "\(name): \(made.errorOutput)")
        }
        let listed = try FileManager.default.contentsOfDirectory(atPath: user.home + "/made").sorted()
        #expect(listed == names.sorted())
        #expect(!FileManager.default.fileExists(atPath: user.home + "/pwned"))
        await connection.close()
    }

    @Test func aHostNameThatLooksLikeAnOptionNeverReachesSSH() async throws {
        let fleet = try await SSHFleet(users: 0)
        let marker = fleet.directory.path + "/proxy-ran"
        try fleet.workspace.write("config/tend.yaml", Self.config)
        try fleet.workspace.write("fleet.yaml", """
            fleet: 1
            hosts:
              evil: { address: "-oProxyCommand=touch \(marker)" }

            """)
        let run = try await fleet.fleet(["apply"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("starts with '-', which ssh would read as an option"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func bootstrapCopiesThisBinaryCheckedByDigest() async throws {
        let fleet = try await SSHFleet(users: 1)
        let tend = try fleet.tend()
        let version = try await tend.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let output = try await tend.run(["fleet", "bootstrap", fleet.address(fleet.users[0]), "--ssh-config", fleet.sshConfig])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("installed tend \(version) at .local/bin/tend"))
        let installed = try Data(contentsOf: URL(fileURLWithPath: fleet.users[0].home + "/.local/bin/tend"))
        let original = try Data(contentsOf: URL(fileURLWithPath: try #require(BuiltTend.path)))
        #expect(installed == original)
        // Without it a host is refused with the way out.
        let bare = try await SSHFleet(users: 1)
        try bare.workspace.write("config/tend.yaml", Self.config)
        try bare.writeInventory()
        let refused = try await bare.fleet(["apply"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("no tend"))
        #expect(refused.stdout.contains("run 'tend fleet bootstrap u0'"))
    }

    /// A host whose tend is another version is refused before anything is shipped, with the way out.
    @Test func anotherTendVersionOnTheHostIsRefusedWithAHint() async throws {
        let fleet = try await SSHFleet(users: 1)
        let user = fleet.users[0]
        for directory in [".local", ".local/bin"] {
            mkdir(user.home + "/" + directory, 0o755)
            try user.own(user.home + "/" + directory)
        }
        let old = user.home + "/.local/bin/tend"
        try Data("#!/bin/sh\necho 0.0.1\n".utf8).write(to: URL(fileURLWithPath: old))
        chmod(old, 0o755)
        try user.own(old)
        try fleet.workspace.write("config/tend.yaml", Self.config)
        try fleet.writeInventory()
        let run = try await fleet.fleet(["apply"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("the host has tend 0.0.1, this is tend "), "\(run.stdout)")
        #expect(run.stdout.contains("run 'tend fleet bootstrap u0'"))
        #expect(!FileManager.default.fileExists(atPath: user.home + "/.local/share/tend/fleet"))
        #expect(fleet.read(user, "fleet/greeting.txt") == nil)
    }
}
