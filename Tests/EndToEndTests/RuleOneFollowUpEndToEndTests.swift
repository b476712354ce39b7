import Foundation
import Testing
import TendCore
import TendTestSupport

/// Issue 9, rule 1 after its first pass: what a killed run leaves, git values given back, a directory reached
/// through a symlink, and what `tend state show` says. The built binary in a temporary HOME, real files, real git.
@Suite struct RuleOneFollowUpEndToEndTests {
    private static func statePath(_ home: TemporaryHome) -> String { home.path + "/.local/state/tend/state.db" }

    /// A change a killed run left open and that did converge is tend's own work: its record keeps `keep` and
    /// `dependsOn`, and records what is there now as written by that run, so a later destroy takes it without
    /// keeping tend's own bytes as if a user had edited them.
    @Test func aChangeFinishedByAKilledRunKeepsItsFootprintKeepAndDependencies() async throws {
        let home = try TemporaryHome(prefix: "tend-reconcile")
        let tend = TendBinary(home: home)
        func config(_ content: String) throws {
            try home.write("tend.yaml", """
                tend: 1
                resources:
                  - type: directory
                    path: ~/etc-app
                  - type: file
                    path: ~/etc-app/app.conf
                    content: "\(content)"
                    keep: true
                    dependsOn: [directory:~/etc-app]

                """)
        }
        try config("tend=1\\n")
        let first = try await tend.run(["apply", "--yes"])
        try #require(first.status == 0, "first apply failed:\n\(first.stdout)\n\(first.stderr)")

        // Run 2 wrote the new content and was killed before it could record so: its transaction stays open.
        try config("tend=2\\n")
        try home.write("etc-app/app.conf", "tend=2\n")
        let address = Address(type: "file", key: "~/etc-app/app.conf")
        do {
            let store = try SQLiteStateStore(path: Self.statePath(home))
            let record = try #require(try store.managedResource(address), "run 1 did not record \(address)")
            #expect(record.keep && record.dependsOn == [Address(type: "directory", key: "~/etc-app")])
            // A pid no process has, as a killed run's would be.
            let killed = try store.beginRun(kind: .apply, configPath: try #require(record.configPaths.first),
                                            configDigest: "sha256:killed", pid: Int32.max,
                                            hostname: ProcessInfo.processInfo.hostName)
            #expect(killed.id == 2)
            _ = try store.beginTransaction(runID: killed.id, address: address, type: "file", operation: .modify,
                                           change: #"{"dependsOn": ["directory:~/etc-app"]}"#)
        }

        let reconciled = try await tend.run(["apply", "--yes"])
        #expect(reconciled.status == 0, "\(reconciled.stdout)\n\(reconciled.stderr)")
        #expect(reconciled.stderr.contains("reconciled file:~/etc-app/app.conf") && reconciled.stderr.contains("present now"),
                "\(reconciled.stderr)")
        #expect(reconciled.stdout == "No changes: this machine matches tend.yaml.\n")

        let show = try await tend.run(["state", "show", "file:~/etc-app/app.conf"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("  keep: yes (leaving the config releases it, never destroys it)\n"), "\(show.stdout)")
        #expect(show.stdout.contains("  last written: by run 2\n"), "\(show.stdout)")
        #expect(show.stdout.contains("  depends on: directory:~/etc-app\n"), "\(show.stdout)")
        #expect(show.stdout.contains("  backups: none\n"), "\(show.stdout)")
        let json = try JSON.parse(try await tend.run(["state", "show", "file:~/etc-app/app.conf", "--json"]).stdout)
        #expect(json["keep"] == .bool(true))
        #expect(json["lastWrittenRun"]?.intValue == 2)
        #expect(json["dependsOn"] == .array([.string("directory:~/etc-app")]))

        // The bytes are tend's own as of run 2: an explicit destroy takes them without a copy, and says so.
        let destroy = try await tend.run(["destroy", "file:~/etc-app/app.conf", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        #expect(destroy.stdout.contains("Remove ~/etc-app/app.conf\n"), "\(destroy.stdout)")
        #expect(!FileSystem().exists(home.path + "/etc-app/app.conf"))
        let backups = try await tend.run(["backups", "list", "--json"])
        #expect(try JSON.parse(backups.stdout).arrayValue?.isEmpty == true, "tend kept its own bytes:\n\(backups.stdout)")
    }

    /// A release that gives a git value back runs git: its command is in the run's report like any change's,
    /// and the value, which may have been a secret, is not in the command line.
    @Test func aGitValueGivenBackIsInTheRunsReport() async throws {
        let home = try TemporaryHome(prefix: "tend-putback")
        let tend = TendBinary(home: home)
        let git = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        try await git.run(Command(["git", "config", "--global", "user.name", "Pre Existing"])).check()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: git-config, key: user.name, value: Tend Name}\n")
        let first = try await tend.run(["apply", "--yes"])
        try #require(first.status == 0, "first apply failed:\n\(first.stdout)\n\(first.stderr)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let release = try await tend.run(["apply", "--yes"])
        #expect(release.status == 0, "\(release.stdout)\n\(release.stderr)")
        #expect(release.stdout.contains("Stop managing git config user.name (put back the original)"), "\(release.stdout)")
        let value = try await git.run(Command(["git", "config", "--global", "--get", "user.name"]))
        #expect(value.output == "Pre Existing\n")

        let report = try JSON.parse(try await tend.run(["report", "--format", "json"]).stdout)
        let operations = try #require(report["operations"]?.arrayValue, "no operations in the report")
        let operation = try #require(operations.first { $0["address"]?.stringValue == "git-config:user.name" },
                                     "the release is not in the report")
        #expect(operation["operation"]?.stringValue == "release")
        #expect(operation["status"]?.stringValue == "succeeded")
        let commands = operation["commands"]?.arrayValue ?? []
        let argv = commands.map { ($0["argv"]?.arrayValue ?? []).compactMap(\.stringValue) }
        #expect(argv.contains { $0.starts(with: ["git", "config", "--global", "--", "user.name"]) },
                "the put-back's git command is missing: \(argv)")
        #expect(!argv.joined().contains { $0.contains("Pre Existing") }, "the value reached argv: \(argv)")
        let text = try await tend.run(["report"])
        #expect(text.stdout.contains("release git-config:user.name") && text.stdout.contains("$ git config --global"),
                "\(text.stdout)")
    }

    /// A directory resource on a symlink changes the target's mode: the plan says the original is kept, and it
    /// is (the target's mode, listed by `tend backups` and `tend state show`), and it goes back on release.
    @Test func aDirectoryOnASymlinkKeepsTheTargetsOriginalModeAndGivesItBack() async throws {
        let home = try TemporaryHome(prefix: "tend-dirlink")
        let tend = TendBinary(home: home)
        let real = home.path + "/real-data"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: home.path + "/data", withDestinationPath: real)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: directory, path: ~/data, mode: \"0750\"}\n")

        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("Change mode of directory ~/data from 0700 to 0750 (the original is kept in backups first)"),
                "\(plan.stdout)")
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let files = FileSystem()
        #expect(files.status(real)?.mode == 0o750)
        #expect(files.readLink(home.path + "/data") == real, "the link was replaced")

        let list = try JSON.parse(try await tend.run(["backups", "list", "--json"]).stdout).arrayValue ?? []
        #expect(list.count == 1, "\(list)")
        let kept = try #require(list.first, "the plan said the original is kept, and nothing was")
        #expect(kept["address"]?.stringValue == "directory:~/data")
        #expect(kept["kind"]?.stringValue == "directory" && kept["mode"]?.stringValue == "0700")
        #expect(kept["reason"]?.stringValue == "original")
        #expect(kept["path"]?.stringValue == real)
        let show = try await tend.run(["state", "show", "directory:~/data"])
        #expect(show.stdout.contains("original  directory:~/data  ~/real-data"), "\(show.stdout)")
        #expect(show.stdout.contains("  last written: by run 1\n"), "\(show.stdout)")
        #expect(try await tend.run(["plan"]).stdout == "No changes: this machine matches tend.yaml.\n")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let release = try await tend.run(["apply", "--yes"])
        #expect(release.status == 0, "\(release.stdout)\n\(release.stderr)")
        #expect(release.stdout.contains("Stop managing directory ~/data (put back the original)"), "\(release.stdout)")
        #expect(files.status(real)?.mode == 0o700, "the original mode was not put back")
        #expect(files.readLink(home.path + "/data") == real)
    }

    /// Removing a directory that is a symlink is refused by apply, so the plan refuses it first instead of
    /// promising "Remove directory": `ensure: absent` and `tend destroy` alike, with nothing touched.
    @Test func removingADirectoryThatIsASymlinkFailsThePlan() async throws {
        let home = try TemporaryHome(prefix: "tend-dirlink")
        let tend = TendBinary(home: home)
        let real = home.path + "/real-data"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: home.path + "/data", withDestinationPath: real)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: directory, path: ~/data, mode: \"0750\"}\n")
        let first = try await tend.run(["apply", "--yes"])
        try #require(first.status == 0, "first apply failed:\n\(first.stdout)\n\(first.stderr)")

        let refusal = "~/data is a symlink, not a directory; tend removes a directory itself, never a link or what it points to"
        let destroy = try await tend.run(["destroy", "directory:~/data", "--yes"])
        #expect(destroy.status == 1, "\(destroy.stdout)")
        #expect(destroy.stderr.contains(refusal), "\(destroy.stderr)")
        #expect(!destroy.stdout.contains("Remove directory"), "\(destroy.stdout)")

        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: directory, path: ~/data, mode: \"0750\", ensure: absent}\n")
        for command in [["plan"], ["apply", "--yes"]] {
            let result = try await tend.run(command)
            #expect(result.status == 1, "\(command): \(result.stdout)")
            #expect(result.stderr.contains("tend.yaml:3:") && result.stderr.contains(refusal), "\(command): \(result.stderr)")
        }
        let files = FileSystem()
        #expect(files.readLink(home.path + "/data") == real)
        #expect(files.status(real)?.mode == 0o750, "the target changed although nothing ran")
        #expect(try await tend.run(["history"]).stdout.components(separatedBy: "\n").filter { $0.contains("apply") || $0.contains("destroy") }.count == 1,
                "a run was recorded for a refused plan")
    }
}
