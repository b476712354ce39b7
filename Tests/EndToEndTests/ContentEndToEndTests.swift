import Foundation
import Testing
import TendCore
import TendTestSupport

/// Issue 11, content types, through the built binary in a temporary HOME with real files: apply, a re-plan that
/// plans nothing, a user's edit kept in backups and named in the plan, and leaving the config, which removes
/// tend's fragment or puts the original back. Files are compared whole, so a byte lost around the fragment fails.
@Suite struct ContentEndToEndTests {
    struct Stage {
        let home: TemporaryHome
        let tend: TendBinary

        init(_ prefix: String) throws {
            home = try TemporaryHome(prefix: prefix)
            tend = TendBinary(home: home)
        }

        func config(_ resources: String) throws {
            try home.write("tend.yaml", "tend: 1\nresources:" + (resources.isEmpty ? " []\n" : "\n" + resources))
        }

        func apply() async throws -> String {
            let run = try await tend.run(["apply", "--yes"])
            try #require(run.status == 0, "apply failed:\n\(run.stdout)\n\(run.stderr)")
            return run.stdout
        }

        func plan() async throws -> String {
            let run = try await tend.run(["plan"])
            try #require(run.status == 0, "plan failed:\n\(run.stdout)\n\(run.stderr)")
            return run.stdout
        }

        func read(_ relative: String) -> String? { FileSystem().readText(home.path + "/" + relative) }

        /// The paths and reasons `tend backups list --json` shows.
        func backups() async throws -> String {
            try await tend.run(["backups", "list", "--json"]).stdout
        }
    }

    @Test func lineInFileReplacesAMatchKeepsTheOriginalAndPutsItBack() async throws {
        let stage = try Stage("tend-line")
        let original = "# mine\nexport A=1\r\nexport EDITOR=nano\ntail with no newline"
        try stage.home.write(".profile", original)
        try stage.config("""
              - type: line-in-file
                path: ~/.profile
                line: export EDITOR=vim
                match: "^export EDITOR="
              - type: line-in-file
                path: ~/.profile
                line: alias ll='ls -l'

            """)
        let first = try await stage.apply()
        #expect(first.contains("Replace the line 'export EDITOR=nano' with 'export EDITOR=vim' in ~/.profile "
            + "(the original is kept in backups first)"), "\(first)")
        #expect(first.contains("Add the line 'alias ll='ls -l'' to ~/.profile"), "\(first)")
        #expect(stage.read(".profile") == "# mine\nexport A=1\r\nexport EDITOR=vim\ntail with no newline\nalias ll='ls -l'\n")
        #expect(try await stage.plan().contains("No changes"))

        try stage.home.write(".profile", "# mine\nexport A=1\r\nexport EDITOR=emacs\ntail with no newline\nalias ll='ls -l'\n")
        let plan = try await stage.plan()
        #expect(plan.contains("Replace the line 'export EDITOR=emacs' with 'export EDITOR=vim' in ~/.profile "
            + "(edited outside tend since run 1: kept in backups first)"), "\(plan)")
        _ = try await stage.apply()
        #expect(stage.read(".profile") == "# mine\nexport A=1\r\nexport EDITOR=vim\ntail with no newline\nalias ll='ls -l'\n")
        let kept = try await stage.backups()
        #expect(kept.contains("edited outside tend") || kept.contains("editedOutsideTend"), "\(kept)")

        try stage.config("")
        let leave = try await stage.apply()
        #expect(leave.contains("Remove the line 'alias ll='ls -l'' from ~/.profile"), "\(leave)")
        #expect(leave.contains("(put back the original)"), "\(leave)")
        // The one byte tend could not take back: the newline it ended the last line with to add its own.
        #expect(stage.read(".profile") == original + "\n")
    }

    @Test func blockInFileKeepsAnEditedBlockAndRemovesOnlyItsLines() async throws {
        let stage = try Stage("tend-block")
        let original = "alias a=b\n# BEGIN other: proxy\nuser's own\n"
        try stage.home.write(".bashrc", original)
        try stage.config("""
              - type: block-in-file
                path: ~/.bashrc
                name: proxy
                block: |
                  export X=1
                  export Y=2

            """)
        let first = try await stage.apply()
        #expect(first.contains("Add the block 'proxy' (2 lines between markers) at the end of ~/.bashrc"), "\(first)")
        let written = original + "# BEGIN tend: proxy\nexport X=1\nexport Y=2\n# END tend: proxy\n"
        #expect(stage.read(".bashrc") == written)
        #expect(try await stage.plan().contains("No changes"))

        try stage.home.write(".bashrc", written.replacingOccurrences(of: "X=1", with: "X=9"))
        let plan = try await stage.plan()
        #expect(plan.contains("Replace what is between the markers of the block 'proxy' in ~/.bashrc with 2 lines "
            + "(edited outside tend since run 1: kept in backups first)"), "\(plan)")
        _ = try await stage.apply()
        #expect(stage.read(".bashrc") == written)
        #expect(try await stage.backups().contains("/.bashrc"))

        try stage.config("")
        let leave = try await stage.apply()
        #expect(leave.contains("Remove the block 'proxy' and its markers from ~/.bashrc"), "\(leave)")
        #expect(stage.read(".bashrc") == original)
    }

    @Test func iniSettingChangesOnlyTheValueAndGivesTheOriginalBack() async throws {
        let stage = try Stage("tend-ini")
        let original = "; top comment\n[general]\n# the editor\neditor = nano\ncolor=red\n\n[other]\nx = 1\n"
        try stage.home.write(".config/app/settings.ini", original)
        try stage.config("""
              - type: ini-setting
                path: ~/.config/app/settings.ini
                section: general
                key: editor
                value: vim
              - type: ini-setting
                path: ~/.config/app/settings.ini
                section: other
                key: y
                value: "2"

            """)
        let first = try await stage.apply()
        #expect(first.contains("Change [general] editor from 'nano' to 'vim' in ~/.config/app/settings.ini "
            + "(the original is kept in backups first)"), "\(first)")
        #expect(first.contains("Set [other] y to '2' in ~/.config/app/settings.ini"), "\(first)")
        let written = "; top comment\n[general]\n# the editor\neditor = vim\ncolor=red\n\n[other]\nx = 1\ny = 2\n"
        #expect(stage.read(".config/app/settings.ini") == written)
        #expect(try await stage.plan().contains("No changes"))

        try stage.home.write(".config/app/settings.ini", written.replacingOccurrences(of: "= vim", with: "= emacs"))
        let plan = try await stage.plan()
        #expect(plan.contains("Change [general] editor from 'emacs' to 'vim' in ~/.config/app/settings.ini "
            + "(edited outside tend since run 1: kept in backups first)"), "\(plan)")
        _ = try await stage.apply()
        #expect(stage.read(".config/app/settings.ini") == written)

        try stage.config("")
        let leave = try await stage.apply()
        #expect(leave.contains("(put back the original)"), "\(leave)")
        #expect(stage.read(".config/app/settings.ini") == original)
    }

    @Test func jsonSettingKeepsCommentsOrderAndTrailingCommas() async throws {
        let stage = try Stage("tend-json")
        let path = ".config/Code/User/settings.json"
        let original = """
            // VS Code settings
            {
                "editor.fontSize": 12, // small
                /* theme, with a { brace */
                "workbench.colorTheme": "Default Dark+",
            }

            """
        try stage.home.write(path, original)
        try stage.config("""
              - type: json-setting
                path: ~/\(path)
                key: editor.fontSize
                value: 14
              - type: json-setting
                path: ~/\(path)
                key: files.autoSave
                value: afterDelay

            """)
        let first = try await stage.apply()
        #expect(first.contains("Change \"editor.fontSize\" from 12 to 14 in ~/\(path) (the original is kept in backups first)"),
                "\(first)")
        #expect(first.contains("Set \"files.autoSave\" to \"afterDelay\" in ~/\(path)"), "\(first)")
        let written = """
            // VS Code settings
            {
                "editor.fontSize": 14, // small
                /* theme, with a { brace */
                "workbench.colorTheme": "Default Dark+",
                "files.autoSave": "afterDelay",
            }

            """
        #expect(stage.read(path) == written)
        #expect(try await stage.plan().contains("No changes"))

        try stage.home.write(path, written.replacingOccurrences(of: ": 14,", with: ": 16,"))
        let plan = try await stage.plan()
        #expect(plan.contains("Change \"editor.fontSize\" from 16 to 14 in ~/\(path) "
            + "(edited outside tend since run 1: kept in backups first)"), "\(plan)")
        _ = try await stage.apply()
        #expect(stage.read(path) == written)

        try stage.config("")
        let leave = try await stage.apply()
        #expect(leave.contains("Remove \"files.autoSave\" from ~/\(path)"), "\(leave)")
        #expect(stage.read(path) == original)
    }

    @Test func sshConfigHostGoesBeforeHostStarAndGivesAnAdoptedBlockBack() async throws {
        let stage = try Stage("tend-ssh-config")
        let original = "# global\nServerAliveInterval 30\n\nHost work\n    User me\n    # my comment\n    Port 2222\n\n"
            + "Host *\n    ForwardAgent no\n"
        try stage.home.write(".ssh/config", original, mode: 0o600)
        try stage.config("""
              - type: ssh-config-host
                host: github.com
                options: { User: git, IdentityFile: ~/.ssh/id_ed25519 }
              - type: ssh-config-host
                host: work
                options: { User: me, Port: "2200" }

            """)
        let first = try await stage.apply()
        #expect(first.contains("Add 'Host github.com' (IdentityFile, User) to ~/.ssh/config"), "\(first)")
        #expect(first.contains("Rewrite the options of 'Host work' in ~/.ssh/config (Port, User) "
            + "(the original is kept in backups first)"), "\(first)")
        let written = "# global\nServerAliveInterval 30\n\nHost work\n    Port 2200\n    User me\n\n"
            + "Host github.com\n    IdentityFile ~/.ssh/id_ed25519\n    User git\n\nHost *\n    ForwardAgent no\n"
        #expect(stage.read(".ssh/config") == written)
        #expect(FileSystem().status(stage.home.path + "/.ssh/config")?.mode == 0o600)
        let check = try await SystemProcessRunner(baseEnvironment: [:], useSudo: false).run(
            Command(["ssh", "-G", "-F", stage.home.path + "/.ssh/config", "github.com"]))
        #expect(check.status == 0 && check.output.contains("\nuser git\n"), "\(check.output)\(check.errorOutput)")
        #expect(try await stage.plan().contains("No changes"))

        try stage.home.write(".ssh/config", written.replacingOccurrences(of: "User git", with: "User other"), mode: 0o600)
        let plan = try await stage.plan()
        #expect(plan.contains("Rewrite the options of 'Host github.com' in ~/.ssh/config (IdentityFile, User) "
            + "(edited outside tend since run 1: kept in backups first)"), "\(plan)")
        _ = try await stage.apply()
        #expect(stage.read(".ssh/config") == written)

        try stage.config("")
        let leave = try await stage.apply()
        #expect(leave.contains("Remove 'Host github.com' and its options from ~/.ssh/config"), "\(leave)")
        #expect(stage.read(".ssh/config") == original)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen"), "needs ssh-keygen (openssh-client)"))
    func knownHostsPinsAKeyThatSshFindsAndStillKnowsItHashed() async throws {
        let stage = try Stage("tend-known-hosts")
        let runner = SystemProcessRunner(baseEnvironment: ["HOME": stage.home.path], useSudo: false)
        func newKey(_ name: String) async throws -> String {
            let path = stage.home.path + "/" + name
            let made = try await runner.run(Command(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path]))
            try #require(made.status == 0, "\(made.errorOutput)")
            let fields = try #require(FileSystem().readText(path + ".pub")).split(separator: " ")
            return String(fields[1])
        }
        let (one, two) = (try await newKey("k1"), try await newKey("k2"))
        let hosts = stage.home.path + "/.ssh/known_hosts"
        try stage.home.write(".ssh/known_hosts", "other.example ssh-ed25519 \(two)\n", mode: 0o600)
        func config(_ key: String) throws {
            try stage.config("""
                  - type: known-hosts
                    host: git.example.com
                    keyType: ssh-ed25519
                    key: \(key)

                """)
        }
        func sshFinds(_ host: String) async throws -> String {
            try await runner.run(Command(["ssh-keygen", "-F", host, "-f", hosts])).output
        }
        try config(one)
        let first = try await stage.apply()
        #expect(first.contains("Pin the ssh-ed25519 key of git.example.com in ~/.ssh/known_hosts"), "\(first)")
        #expect(stage.read(".ssh/known_hosts") == "other.example ssh-ed25519 \(two)\ngit.example.com ssh-ed25519 \(one)\n")
        #expect(try await sshFinds("git.example.com").contains(one))

        // HashKnownHosts: the names become |1|salt|hash, and tend still knows its entry.
        let hashed = try await runner.run(Command(["ssh-keygen", "-H", "-f", hosts]))
        try #require(hashed.status == 0, "\(hashed.errorOutput)")
        let hashedText = try #require(stage.read(".ssh/known_hosts"))
        #expect(!hashedText.contains("git.example.com"))
        #expect(try await stage.plan().contains("No changes"))

        try config(two)
        let change = try await stage.apply()
        #expect(change.contains("Replace the ssh-ed25519 key of git.example.com in ~/.ssh/known_hosts with the one in the config"),
                "\(change)")
        #expect(try await sshFinds("git.example.com").contains(two))

        // The user puts the old key back on tend's line only (other.example's line has the same key).
        var lines = try #require(stage.read(".ssh/known_hosts")).split(separator: "\n").map(String.init)
        try #require(lines.count == 2 && lines[1].hasSuffix(two), "\(lines)")
        lines[1] = String(lines[1].dropLast(two.count)) + one
        try stage.home.write(".ssh/known_hosts", lines.joined(separator: "\n") + "\n", mode: 0o600)
        let plan = try await stage.plan()
        #expect(plan.contains("(edited outside tend since run 2: kept in backups first)"), "\(plan)")

        try stage.config("")
        let leave = try await stage.apply()
        #expect(leave.contains("Remove the ssh-ed25519 key of git.example.com from ~/.ssh/known_hosts"), "\(leave)")
        let otherLine = String(hashedText.split(separator: "\n")[0])
        #expect(stage.read(".ssh/known_hosts") == otherLine + "\n")
        #expect(try await sshFinds("git.example.com").isEmpty)
    }

    @Test func hostsEntryChangesOnlyTheNamesAndPutsTheOriginalBack() async throws {
        let stage = try Stage("tend-hosts")
        let original = "127.0.0.1\tlocalhost\n# 10.0.0.5 commented\n10.0.0.5 old.name # the db\n"
        try stage.home.write("hosts", original)
        try stage.config("""
              - type: hosts-entry
                path: ~/hosts
                ip: 10.0.0.5
                names: [db.internal, db]
              - type: hosts-entry
                path: ~/hosts
                ip: 10.0.0.6
                names: [cache]

            """)
        let first = try await stage.apply()
        #expect(first.contains("Change the names of 10.0.0.5 in ~/hosts from 'old.name' to 'db.internal db' "
            + "(the original is kept in backups first)"), "\(first)")
        #expect(first.contains("Add '10.0.0.6 cache' to ~/hosts"), "\(first)")
        let written = "127.0.0.1\tlocalhost\n# 10.0.0.5 commented\n10.0.0.5 db.internal db # the db\n10.0.0.6\tcache\n"
        #expect(stage.read("hosts") == written)
        #expect(try await stage.plan().contains("No changes"))

        try stage.home.write("hosts", written.replacingOccurrences(of: "db.internal db #", with: "db.internal x #"))
        let plan = try await stage.plan()
        #expect(plan.contains("from 'db.internal x' to 'db.internal db' (edited outside tend since run 1: kept in backups first)"),
                "\(plan)")
        _ = try await stage.apply()
        #expect(stage.read("hosts") == written)

        try stage.config("")
        _ = try await stage.apply()
        #expect(stage.read("hosts") == original)
    }

    /// Resources of four types edit one file in one run, several at a time: each type's batch reads and writes
    /// the file under one lock group, so none loses another's edit.
    @Test func fourTypesEditingOneFileInOneRunKeepEachOthersEdits() async throws {
        let stage = try Stage("tend-one-file")
        try stage.home.write("app.conf", "[main]\nkeep = me\n")
        try stage.config("""
              - type: ini-setting
                path: ~/app.conf
                section: main
                key: color
                value: blue
              - type: line-in-file
                path: ~/app.conf
                line: "# managed in part by tend"
              - type: block-in-file
                path: ~/app.conf
                name: extra
                marker: "; {mark} {name}"
                block: |
                  [extra]
                  size = 3
              - type: hosts-entry
                path: ~/app.conf
                ip: 10.1.2.3
                names: [not.really.hosts]

            """)
        let run = try await stage.tend.run(["apply", "--yes", "--jobs", "4"])
        try #require(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let text = try #require(stage.read("app.conf"))
        #expect(text.hasPrefix("[main]\nkeep = me\n"), "\(text)")
        for part in ["color = blue\n", "# managed in part by tend\n", "; BEGIN extra\n[extra]\nsize = 3\n; END extra\n", "10.1.2.3\tnot.really.hosts\n"] {
            #expect(text.contains(part), "\(part) is missing from:\n\(text)")
        }
        #expect(try await stage.plan().contains("No changes"))
    }

    @Test func aBadMatchPatternIsAValidateErrorWithItsPlace() async throws {
        let stage = try Stage("tend-line-regex")
        try stage.config("""
              - type: line-in-file
                path: ~/.profile
                line: x
                match: "^(unclosed"

            """)
        let run = try await stage.tend.run(["validate"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("tend.yaml:6:"), "\(run.stderr)")
        #expect(run.stderr.contains("is not a regular expression"), "\(run.stderr)")
    }

    /// Root edits a file in a home another user owns: the user's link on the way is refused, named with its target,
    /// and what it points at is untouched.
    @Test(.enabled(if: getuid() == 0, "needs root to make a second user"))
    func aSecondUsersLinkIsRefusedAndNamed() async throws {
        try #require(LocalUser.unavailableReason == nil, "\(LocalUser.unavailableReason ?? "")")
        let home = try TemporaryHome(prefix: "tend-content-root")
        chmod(home.path, 0o755)
        let user = try LocalUser.make(home: home.path + "/user")
        let tend = TendBinary(home: home)
        let victim = try home.write("victim.conf", "root's own\n")
        try user.makeSymlink(user.home + "/app.ini", to: victim)
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: ini-setting
                path: \(user.home)/app.ini
                key: owned
                value: "yes"

            """)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1)
        let output = apply.stdout + apply.stderr
        #expect(output.contains("/user/app.ini is a symlink to \(victim) that tend does not follow"), "\(output)")
        #expect(FileSystem().readText(victim) == "root's own\n")
    }
}
