import Foundation
import Testing
import TendCore
import TendTestSupport

/// Issue 9's cases 1, 2, 4 and 5 as a user meets them, with the built binary in a temporary HOME, plus
/// `tend backups` listing and restoring what each destructive step kept.
@Suite struct NeverLoseAByteEndToEndTests {
    /// Case 1: a release no longer puts the original back over the user's later edits, and says so.
    @Test func aReleaseLeavesTheUsersLaterEditsAndKeepsTheOriginal() async throws {
        let home = try TemporaryHome(prefix: "tend-case1")
        let tend = TendBinary(home: home)
        try home.write("app.conf", "original=1\n")
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: file\n    path: ~/app.conf\n    content: \"tend=1\\n\"\n")
        try #require(try await tend.run(["apply", "--yes"]).status == 0)
        try home.write("app.conf", "tend=1\nmy own line\n")
        try home.write("tend.yaml", "tend: 1\nresources: []\n")

        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("Stop managing ~/app.conf (left as it is: edited outside tend since run 1; "
                                     + "the original is kept in backups)"), "\(plan.stdout)")
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(try String(contentsOfFile: home.path + "/app.conf", encoding: .utf8) == "tend=1\nmy own line\n")

        // The original is listed with its address, run, size and digest, and restores byte for byte.
        let list = try await tend.run(["backups", "list", "file:~/app.conf", "--json"])
        let backups = try #require(JSON.parse(list.stdout).arrayValue)
        let original = try #require(backups.first { $0["reason"]?.stringValue == "original" }, "\(list.stdout)")
        #expect(original["address"]?.stringValue == "file:~/app.conf")
        #expect(original["run"]?.intValue == 1)
        #expect(original["size"]?.intValue == "original=1\n".utf8.count)
        #expect(original["digest"]?.stringValue == SHA256.digest(Array("original=1\n".utf8)))
        let id = try #require(original["id"]?.intValue)
        let restored = try await tend.run(["backups", "restore", String(id), "--to", home.path + "/app.conf.orig"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try String(contentsOfFile: home.path + "/app.conf.orig", encoding: .utf8) == "original=1\n")
    }

    /// Case 2: a file tend created and the user edited is kept before it is deleted; an ssh key that leaves the
    /// config stays, and an explicit destroy moves the pair into backups.
    @Test func whatTendCreatedAndTheUserEditedIsKeptBeforeItGoes() async throws {
        let home = try TemporaryHome(prefix: "tend-case2")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: file
                path: ~/notes.txt
                content: "tend's start\\n"
              - type: ssh-key
                path: ~/.ssh/id_case2
            """)
        try #require(try await tend.run(["apply", "--yes"]).status == 0)
        try home.write("notes.txt", "tend's start\nhours of the user's notes\n")
        let key = try String(contentsOfFile: home.path + "/.ssh/id_case2", encoding: .utf8)

        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: ssh-key\n    path: ~/.ssh/id_case2\n")
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("Remove ~/notes.txt (edited outside tend since run 1: kept in backups first)"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/notes.txt"))
        let notes = try await backupContaining("hours of the user's notes", tend: tend)
        #expect(notes["reason"]?.stringValue == "edited outside tend")

        // Leaving the config releases a key: it is never deleted by accident.
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let release = try await tend.run(["apply", "--yes"])
        #expect(release.stdout.contains("Stop managing key ~/.ssh/id_case2 (left as it is)"), "\(release.stdout)")
        #expect(try String(contentsOfFile: home.path + "/.ssh/id_case2", encoding: .utf8) == key)

        // Managed again and destroyed on purpose: both files go to backups first, and come back from there.
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: ssh-key\n    path: ~/.ssh/id_case2\n")
        try #require(try await tend.run(["apply", "--yes"]).status == 0)
        let destroy = try await tend.run(["destroy", "ssh-key:~/.ssh/id_case2", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stdout)\(destroy.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.ssh/id_case2"))
        let kept = try await backupContaining(key, tend: tend)
        let id = try #require(kept["id"]?.intValue)
        #expect(try await tend.run(["backups", "restore", String(id)]).status == 0)
        #expect(try String(contentsOfFile: home.path + "/.ssh/id_case2", encoding: .utf8) == key)
    }

    /// Case 4: an adopted git-config value is given back when its resource leaves the config.
    @Test func anAdoptedGitValueIsGivenBack() async throws {
        let home = try TemporaryHome(prefix: "tend-case4")
        let tend = TendBinary(home: home)
        try await git(["config", "--global", "user.name", "Pre Existing"], tend: tend)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: git-config\n    key: user.name\n    value: Tend Name\n")
        try #require(try await tend.run(["apply", "--yes"]).status == 0)
        #expect(try await git(["config", "--global", "--get", "user.name"], tend: tend) == "Tend Name\n")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.stdout.contains("Stop managing git config user.name (put back the original)"), "\(apply.stdout)")
        #expect(try await git(["config", "--global", "--get", "user.name"], tend: tend) == "Pre Existing\n")
    }

    /// Case 5: what lies inside a directory is destroyed before the directory, whatever order the state lists.
    @Test func resourcesThatLeftTheConfigGoInsideOut() async throws {
        let home = try TemporaryHome(prefix: "tend-case5")
        let tend = TendBinary(home: home)
        let origin = home.path + "/origin.git"
        try await git(["init", "-q", "--bare", origin], tend: tend)
        let work = home.path + "/work"
        try await git(["init", "-q", work], tend: tend)
        try await git(["-C", work, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "--allow-empty", "-m", "first"],
                      tend: tend)
        try await git(["-C", work, "push", "-q", origin, "HEAD:refs/heads/main"], tend: tend)
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: directory
                path: ~/code
              - type: git-clone
                repository: \(origin)
                directory: ~/code/seed
                branch: main
                dependsOn: [directory:~/code]
              - type: file
                path: ~/code/x
                content: "x\\n"
                dependsOn: [directory:~/code]
            """)
        let first = try await tend.run(["apply", "--yes"])
        try #require(first.status == 0, "\(first.stdout)\(first.stderr)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let plan = try await tend.run(["plan"])
        let directory = try #require(plan.stdout.range(of: "- directory:~/code")?.lowerBound, "\(plan.stdout)")
        let clone = try #require(plan.stdout.range(of: "- git-clone:~/code/seed")?.lowerBound)
        let file = try #require(plan.stdout.range(of: "- file:~/code/x")?.lowerBound)
        #expect(clone < directory && file < directory, "\(plan.stdout)")
        let apply = try await tend.run(["apply", "--yes", "--jobs", "4"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/code"))
    }

    /// A backup that no longer matches its digest is refused, and the file it would replace stays.
    @Test func aDamagedBackupIsNotRestored() async throws {
        let home = try TemporaryHome(prefix: "tend-backups")
        let tend = TendBinary(home: home)
        try home.write("app.conf", "original=1\n")
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: file\n    path: ~/app.conf\n    content: \"tend=1\\n\"\n")
        try #require(try await tend.run(["apply", "--yes"]).status == 0)
        let blobs = home.path + "/.local/state/tend/backups"
        let blob = try #require(try FileManager.default.contentsOfDirectory(atPath: blobs).first)
        try Data("tampered\n".utf8).write(to: URL(fileURLWithPath: blobs + "/" + blob))
        let restore = try await tend.run(["backups", "restore", "1"])
        #expect(restore.status == 1)
        #expect(restore.stderr.contains("does not match its digest"), "\(restore.stderr)")
        #expect(try String(contentsOfFile: home.path + "/app.conf", encoding: .utf8) == "tend=1\n")
    }

    private func backupContaining(_ text: String, tend: TendBinary) async throws -> JSON {
        let list = try await tend.run(["backups", "list", "--json"])
        for backup in try JSON.parse(list.stdout).arrayValue ?? [] {
            guard let id = backup["id"]?.intValue else { continue }
            if try await tend.run(["backups", "show", String(id)]).stdout.contains(text) { return backup }
        }
        Issue.record("no backup holds \(text.prefix(40))...; backups: \(list.stdout)")
        return .null
    }

    @discardableResult
    private func git(_ arguments: [String], tend: TendBinary) async throws -> String {
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        let result = try await runner.run(Command(["git"] + arguments, workingDirectory: tend.home.path, timeout: 60))
        try result.check()
        return result.output
    }
}

/// `keep: true` and a sensitive git value, through the built binary.
@Suite struct KeepAndSecretEndToEndTests {
    /// A file marked `keep: true` that leaves the config is released, left in place, even though tend made it.
    @Test func aKeptFileStaysWhenItLeavesTheConfig() async throws {
        let home = try TemporaryHome(prefix: "tend-keep")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - { type: file, path: ~/kept.txt, content: \"k\\n\", keep: true }\n")
        try #require(try await tend.run(["apply", "--yes"]).status == 0)
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.stdout.contains("Stop managing ~/kept.txt (left as it is)"), "\(apply.stdout)")
        #expect(apply.stdout.contains("it is marked keep"), "\(apply.stdout)")
        #expect(try String(contentsOfFile: home.path + "/kept.txt", encoding: .utf8) == "k\n")
    }

    /// Issue 10 item 3 for git-config: while tend sets a sensitive value, no process's argv holds it. A `git`
    /// placed first on PATH reads every `/proc/*/cmdline` at the moment tend runs it, then runs the real git.
    @Test func aSensitiveGitValueNeverEntersArgv() async throws {
        let home = try TemporaryHome(prefix: "tend-secret")
        let realGit = try #require(["/usr/bin/git", "/usr/local/bin/git", "/bin/git"].first {
            FileManager.default.isExecutableFile(atPath: $0) }, "git is not installed")
        let secret = "s3cr3t-\(UUID().uuidString)"
        let seen = home.path + "/seen-in-argv"
        try home.write("bin/git", """
            #!/bin/sh
            for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f" 2>/dev/null; echo; done >> "\(seen)"
            exec \(realGit) "$@"
            """, mode: 0o755)
        let path = home.path + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let tend = TendBinary(home: home, environment: ["PATH": path])
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: git-config
                key: credential.token
                value: "\(secret)"
                sensitive: [value]
            """)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        // The probe saw git's own argv (so it looked while tend ran git), and nowhere the secret.
        let argvs = try String(contentsOfFile: seen, encoding: .utf8)
        #expect(argvs.contains("config --global -- credential.token"), "the probe did not see git run:\n\(argvs)")
        #expect(!argvs.contains(secret), "the secret was in a process's argv")
        let value = try await SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
            .run(Command([realGit, "config", "--global", "--get", "credential.token"], timeout: 60))
        #expect(value.output == secret + "\n")
        #expect(!apply.stdout.contains(secret) && !apply.stderr.contains(secret))
    }
}
