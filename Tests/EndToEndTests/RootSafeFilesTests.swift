import Foundation
import Testing
import TendCore
import TendTestSupport

/// The attacks of issue 10 ("what breaks today", 1 to 3, and `mode: "4777"`), performed for real: a second local
/// user made by the test owns a home under root's temporary HOME and plays the attacker while the built `tend`
/// runs as root. Each test checks that the root-owned thing the attack aims at is untouched.
@Suite(.serialized) struct RootSafeFilesTests {
    /// Root's HOME (searchable by the user, who owns a home inside it), the user, and tend as root.
    struct Stage {
        let home: TemporaryHome
        let user: LocalUser
        let tend: TendBinary

        init() throws {
            try #require(LocalUser.unavailableReason == nil, "\(LocalUser.unavailableReason ?? "")")
            home = try TemporaryHome(prefix: "tend-root-safe")
            chmod(home.path, 0o755)
            user = try LocalUser.make(home: home.path + "/user")
            tend = TendBinary(home: home)
        }

        /// Applies a config holding `resources` (YAML list items) as root.
        func apply(_ resources: String) async throws -> TendBinary.Output {
            try home.write("tend.yaml", "tend: 1\nresources:\n" + resources)
            return try await tend.run(["apply", "--yes"])
        }

        func rootFile(_ name: String, _ text: String, mode: Int) throws -> String {
            let path = try home.write(name, text)
            chmod(path, mode_t(mode))
            return path
        }
    }

    /// A shell loop run as the user: it says it started through a FIFO (the test waits for that event, not a
    /// clock), runs at most a fixed number of rounds, and stops when the test creates the stop file.
    struct UserLoop {
        let stop: String
        let task: Task<CommandResult, any Error>

        static func start(_ stage: Stage, body: String, arguments: [String]) async throws -> UserLoop {
            let started = stage.home.path + "/started-\(UInt32.random(in: 0...UInt32.max))"
            let stop = stage.home.path + "/stop-\(UInt32.random(in: 0...UInt32.max))"
            #expect(mkfifo(started, 0o600) == 0)
            try stage.user.own(started)
            let script = """
                started=$1; stop=$2; shift 2
                echo started > "$started"
                rounds=0
                while [ "$rounds" -lt 20000 ] && [ ! -e "$stop" ]; do
                \(body)
                  rounds=$((rounds + 1))
                done
                echo "$rounds"
                """
            let user = stage.user
            let task = Task { try await user.run(["/bin/sh", "-c", script, "loop", started, stop] + arguments, timeout: 300) }
            // Opening the FIFO for reading returns once the loop has opened it for writing.
            let ready = try await SystemProcessRunner().run(Command(["cat", started], timeout: 120))
            #expect(ready.output == "started\n")
            return UserLoop(stop: stop, task: task)
        }

        /// Tells the loop to stop at its next round (also when a test ends early on a thrown error).
        func requestStop() {
            _ = FileManager.default.createFile(atPath: stop, contents: nil)
        }

        /// Stops the loop and returns how many rounds it ran.
        func finish() async throws -> Int {
            #expect(FileManager.default.createFile(atPath: stop, contents: nil))
            let result = try await task.value
            return Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
    }

    /// Attack 2: tend wrote a temporary, renamed it into place, then chowned the path to the directory's owner;
    /// the user swapped the path for a symlink to a root file in between and received that file.
    @Test func aUserSwappingThePathForALinkNeverGetsARootFile() async throws {
        let stage = try Stage()
        let victim = try stage.rootFile("victim", "root's secret\n", mode: 0o600)
        let loop = try await UserLoop.start(stage, body: """
              ln -sfn "$2" "$1/.swap" && mv -Tf "$1/.swap" "$1/target"
              for temporary in "$1"/.target.tend-*; do [ -e "$temporary" ] && ln -sfn "$2" "$temporary"; done
            """, arguments: [stage.user.home, victim])
        defer { loop.requestStop() }
        var outputs: [String] = []
        for round in 1...4 {
            let apply = try await stage.apply("""
                  - type: file
                    path: \(stage.user.home)/target
                    content: "round \(round)\\n"
                """)
            outputs.append(apply.stdout + apply.stderr)
        }
        let rounds = try await loop.finish()
        #expect(rounds > 0, "the user's loop never ran while tend applied")
        let status = try #require(FileSystem().status(victim))
        #expect(status.uid == 0 && status.gid == 0, "the root file was given away: \(status)\n\(outputs.joined())")
        #expect(status.mode == 0o600)
        #expect(FileSystem().readText(victim) == "root's secret\n")
    }

    /// Attack 3: `~/.ssh -> /elsewhere` made by the user; root's `file` with `owner:` under it used to land in
    /// /elsewhere and be given to the user.
    @Test func aUsersLinkOnTheWayIsNotFollowedAndTheErrorNamesIt() async throws {
        let stage = try Stage()
        let elsewhere = stage.home.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
        try stage.user.makeSymlink(stage.user.home + "/.ssh", to: elsewhere)
        let apply = try await stage.apply("""
              - type: file
                path: \(stage.user.home)/.ssh/authorized_keys
                content: "ssh-ed25519 AAAA test\\n"
                owner: \(stage.user.name)
            """)
        #expect(apply.status == 1)
        let output = apply.stdout + apply.stderr
        #expect(output.contains("/user/.ssh is a symlink to \(elsewhere) that tend does not follow"), "\(output)")
        #expect(output.contains("owned by \(stage.user.name)"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/authorized_keys"))
        #expect(FileSystem().status(elsewhere)?.uid == 0)
    }

    /// Attack 3: a `directory` resource at the user's symlink used to change the mode and owner of its target.
    @Test func aDirectoryResourceAtAUsersLinkLeavesTheTargetAlone() async throws {
        let stage = try Stage()
        let target = stage.home.path + "/root-only"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        chmod(target, 0o700)
        try stage.user.makeSymlink(stage.user.home + "/data", to: target)
        let apply = try await stage.apply("""
              - type: directory
                path: \(stage.user.home)/data
                mode: "0777"
                owner: \(stage.user.name)
            """)
        #expect(apply.status == 1)
        #expect((apply.stdout + apply.stderr).contains("/user/data is a symlink to \(target)"), "\(apply.stdout)\(apply.stderr)")
        // Refused at plan time, so no change was ever planned for it.
        #expect(!apply.stdout.contains("directory:"), "\(apply.stdout)")
        let status = try #require(FileSystem().status(target))
        #expect(status.mode == 0o700)
        #expect(status.uid == 0)
    }

    /// A link apply refuses used to show up in the plan as "Create ...", and only apply failed. Now the plan
    /// itself exits 1, naming the link and its target, for each of file, symlink and directory.
    @Test func aLinkApplyWouldRefuseFailsThePlanNamingLinkAndTarget() async throws {
        let stage = try Stage()
        let elsewhere = stage.home.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
        try stage.user.makeSymlink(stage.user.home + "/.ssh", to: elsewhere)
        try stage.user.makeSymlink(stage.user.home + "/data", to: elsewhere)
        try stage.home.write("tend.yaml", """
            tend: 1
            resources:
              - type: file
                path: \(stage.user.home)/.ssh/authorized_keys
                content: "ssh-ed25519 AAAA test\\n"
              - type: symlink
                path: \(stage.user.home)/.ssh/config
                target: /dev/null
              - type: directory
                path: \(stage.user.home)/.ssh/sockets
              - type: directory
                path: \(stage.user.home)/data
                mode: "0700"
            """)
        let plan = try await stage.tend.run(["plan"])
        let output = plan.stdout + plan.stderr
        #expect(plan.status == 1, "\(output)")
        let refusal = "/user/.ssh is a symlink to \(elsewhere) that tend does not follow: it is owned by \(stage.user.name)"
        #expect(output.components(separatedBy: refusal).count - 1 == 3, "\(output)")
        #expect(output.contains("/user/data is a symlink to \(elsewhere) that tend does not follow"), "\(output)")
        // Each refusal points at the resource's path in the config.
        #expect(output.components(separatedBy: "tend.yaml:").count - 1 >= 4, "\(output)")
        #expect(!output.contains("Create"), "\(output)")
        let apply = try await stage.tend.run(["apply", "--yes"])
        #expect(apply.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(FileSystem().status(elsewhere)?.mode == 0o755)
    }

    /// Root's `~/.bashrc` links to a link of the user's, which points at a root-owned file. realpath used to
    /// follow both and tend appended its block to root's file; the user's link is now refused by the trust rule.
    @Test func theShellHookIsNeverWrittenThroughAUsersLink() async throws {
        let stage = try Stage()
        let rootFile = try stage.rootFile("root-rc", "# root's own\n", mode: 0o644)
        try stage.user.makeSymlink(stage.user.home + "/rc", to: rootFile)
        #expect(symlink("user/rc", stage.home.path + "/.bashrc") == 0)
        let apply = try await stage.apply("""
              - type: alias
                name: gs
                value: git status
            """)
        let output = apply.stdout + apply.stderr
        #expect(FileSystem().readText(rootFile) == "# root's own\n", "\(output)")
        #expect(output.contains("/user/rc is a link to \(rootFile), which tend does not follow"), "\(output)")
        #expect(FileSystem().status(stage.home.path + "/.bashrc")?.kind == .symlink)
    }

    /// Attack 1: the askpass helper was written into the key's directory and then run as root, so the user who
    /// owns that directory could swap in a script of their own. Now nothing of tend's helper is there: a planted
    /// `.tend-askpass-*` script never runs, and a loop listing the directory during the run sees no helper.
    @Test func theKeysDirectoryNeverHostsTendsAskpassHelper() async throws {
        let stage = try Stage()
        let ssh = stage.user.home + "/.ssh"
        #expect(mkdir(ssh, 0o700) == 0)
        try stage.user.own(ssh)
        let marker = stage.home.path + "/planted-script-ran"
        let planted = ssh + "/.tend-askpass-planted"
        #expect(FileManager.default.createFile(atPath: planted, contents: Data("#!/bin/sh\ntouch \(marker)\necho stolen\n".utf8)))
        chmod(planted, 0o755)
        try stage.user.own(planted)
        let seen = stage.user.home + "/seen"
        let loop = try await UserLoop.start(stage, body: """
              ls -A "$1" >> "$2"
            """, arguments: [ssh, seen])
        defer { loop.requestStop() }
        let apply = try await stage.apply("""
              - type: ssh-key
                path: \(ssh)/id_ed25519
                passphrase: correct horse battery
            """)
        let rounds = try await loop.finish()
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(rounds > 0)
        #expect(!FileManager.default.fileExists(atPath: marker), "tend ran the user's planted helper")
        let names = Set((FileSystem().readText(seen) ?? "").split(separator: "\n").map(String.init))
        #expect(names.filter { $0.contains("askpass") } == [".tend-askpass-planted"], "\(names.sorted())")
        #expect(names.filter { $0.contains("tend-new") }.isEmpty, "\(names.sorted())")
        let entries = Set(try FileManager.default.contentsOfDirectory(atPath: ssh))
        #expect(entries == [".tend-askpass-planted", "id_ed25519", "id_ed25519.pub"])
        // The key is the user's, and it is locked with the passphrase of the config, not the planted one.
        #expect(FileSystem().status(ssh + "/id_ed25519")?.uid == stage.user.uid)
        let unlocked = try await SystemProcessRunner().run(Command(["ssh-keygen", "-y", "-P", "correct horse battery",
                                                                    "-f", ssh + "/id_ed25519"]))
        #expect(unlocked.succeeded, "\(unlocked.errorOutput)")
    }

    /// `mode: "4777"` with `owner:` as root: the owner goes on first, so the chown does not clear the setuid bit.
    @Test func aSetuidModeSurvivesTheOwnerItComesWith() async throws {
        let stage = try Stage()
        let tool = try stage.rootFile("user/tool", "#!/bin/sh\n", mode: 0o644)
        let apply = try await stage.apply("""
              - type: file
                path: \(stage.user.home)/new-tool
                content: "#!/bin/sh\\n"
                owner: \(stage.user.name)
                mode: "4777"
              - type: file
                path: \(tool)
                content: "#!/bin/sh\\n"
                owner: \(stage.user.name)
                mode: "4755"
            """)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let made = try #require(FileSystem().status(stage.user.home + "/new-tool"))
        #expect(made.uid == stage.user.uid)
        #expect(made.mode == 0o4777)
        // Same bytes already there: changed in place, owner then mode.
        let changed = try #require(FileSystem().status(tool))
        #expect(changed.uid == stage.user.uid)
        #expect(changed.mode == 0o4755)
        let again = try await stage.tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
    }

    /// Links the acting user made keep working: root's own as root, and the user's own (a stow-managed
    /// `~/.config`) when tend runs as that user.
    @Test func linksOfTheActingUserAreStillFollowed() async throws {
        let stage = try Stage()
        try FileManager.default.createDirectory(atPath: stage.home.path + "/real", withIntermediateDirectories: false)
        #expect(symlink("real", stage.home.path + "/linked") == 0)
        let asRoot = try await stage.apply("""
              - type: file
                path: ~/linked/app.conf
                content: "root\\n"
            """)
        #expect(asRoot.status == 0, "\(asRoot.stdout)\(asRoot.stderr)")
        #expect(FileSystem().readText(stage.home.path + "/real/app.conf") == "root\n")

        let user = stage.user
        let dotfiles = user.home + "/dotfiles/config"
        try FileManager.default.createDirectory(atPath: dotfiles, withIntermediateDirectories: true)
        try user.own(user.home + "/dotfiles")
        try user.own(dotfiles)
        try user.makeSymlink(user.home + "/.config", to: "dotfiles/config")
        let config = user.home + "/tend.yaml"
        #expect(FileManager.default.createFile(atPath: config, contents: Data("""
            tend: 1
            resources:
              - type: file
                path: ~/.config/app/settings
                content: "mine\\n"
            """.utf8)))
        try user.own(config)
        let asUser = try await user.run([TendBinary.path, "apply", "--yes", "-c", config],
                                        environment: ["LANG": "C.UTF-8", "NO_COLOR": "1",
                                                      "TEND_STATE": user.home + "/.local/state/tend/state.db"])
        #expect(asUser.succeeded, "\(asUser.output)\(asUser.errorOutput)")
        #expect(FileSystem().readText(dotfiles + "/app/settings") == "mine\n")
        #expect(FileSystem().status(dotfiles + "/app/settings")?.uid == user.uid)
        #expect(FileSystem().status(user.home + "/.config")?.kind == .symlink)
    }
}
