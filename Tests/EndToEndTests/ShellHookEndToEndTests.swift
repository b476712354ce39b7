import Foundation
import Testing
import TendCore
import TendTestSupport

/// tend's hook in the shell startup files, with the built binary in a temporary HOME and real bash, zsh and
/// fish started as a user starts them (`-i`, `-l`; no `--norc`, no ZDOTDIR), each reading what tend wrote.
@Suite(.serialized) struct ShellHookEndToEndTests {
    static let profileLine = "[ -f \"$HOME/.config/tend/profile.sh\" ] && . \"$HOME/.config/tend/profile.sh\""

    static let config = """
        tend: 1
        resources:
          - type: alias
            name: gs
            value: git status
          - type: env
            name: EDITOR
            value: vim
        """

    /// The shell at its usual Debian path, or a recorded failure: CI installs bash, zsh and fish (`.ci/run`).
    func requireShell(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        let found = ["/usr/bin/", "/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + name) }
        if !found {
            Issue.record("\(name) is not installed; this test needs it (CI installs it in .ci/run)",
                         sourceLocation: sourceLocation)
        }
        return found
    }

    /// Runs `argv` as the user of `home` would: HOME set, a plain PATH, nothing inherited, stdin at its end.
    func shell(_ home: TemporaryHome, _ argv: [String]) async throws -> CommandResult {
        let environment = [
            "HOME": home.path, "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "dumb",
            "USER": ProcessInfo.processInfo.environment["USER"] ?? "root",
        ]
        let runner = SystemProcessRunner(baseEnvironment: environment, useSudo: false)
        return try await runner.run(Command(argv, workingDirectory: home.path, input: [], timeout: 120))
    }

    func text(_ home: TemporaryHome, _ relative: String) -> String? {
        try? String(contentsOfFile: home.path + "/" + relative, encoding: .utf8)
    }

    func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    // MARK: A link into a source tend manages

    /// The issue's case: `symlink ~/.bashrc -> dotfiles/bashrc` plus an alias. tend may not edit the user's
    /// dotfiles repository, so the plan stops and names the line and the file; once the user adds it, two
    /// applies keep the link, plan nothing, and bash has the alias.
    @Test func aBashrcLinkedIntoAManagedSourceSaysWhatToAddWhereAndKeepsTheLink() async throws {
        let home = try TemporaryHome()
        try home.write("dotfiles/bashrc", "# my dotfiles\n")
        try home.write("tend.yaml", Self.config + """

              - type: symlink
                path: ~/.bashrc
                target: ./dotfiles/bashrc
            """)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let plan = try await tend.run(["plan"])
        #expect(plan.status == 1, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stderr.contains("~/.bashrc is a link to ~/dotfiles/bashrc (symlink:~/.bashrc), which tend manages "
            + "as a symlink source, so tend does not edit it; add this line to ~/dotfiles/bashrc: \(Self.profileLine)"),
                "\(plan.stderr)")
        let refused = try await tend.run(["apply", "--yes"])
        #expect(refused.status == 1)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.bashrc"), "nothing was touched")
        #expect(text(home, "dotfiles/bashrc") == "# my dotfiles\n")

        let dotfiles = "# my dotfiles\n\(Self.profileLine)\n"
        try home.write("dotfiles/bashrc", dotfiles)
        for round in 1...2 {
            let apply = try await tend.run(["apply", "--yes"])
            #expect(apply.status == 0, "round \(round): \(apply.stdout)\n\(apply.stderr)")
            #expect(isLink(home.path + "/.bashrc"), "round \(round): ~/.bashrc is still tend's link")
            #expect(text(home, "dotfiles/bashrc") == dotfiles, "round \(round): the dotfiles file is the user's alone")
            let alias = try await shell(home, ["bash", "-ic", "alias gs"])
            #expect(alias.output == "alias gs='git status'\n", "round \(round): \(alias.errorOutput)")
        }
        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
    }

    /// A `~/.bashrc` the user linked into their own files (no resource of the config manages it) gets the
    /// block in the file it names; the link stays a link.
    @Test func aBashrcLinkTheUserMadeGetsTheBlockInItsTarget() async throws {
        let home = try TemporaryHome()
        try home.write("mine/bashrc", "# mine\n")
        #expect(symlink(home.path + "/mine/bashrc", home.path + "/.bashrc") == 0)
        try home.write("tend.yaml", Self.config)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("+ shell-hook:~/.bashrc\n    Add tend's block to ~/.bashrc, which loads "
            + "~/.config/tend/profile.sh (a link: the block goes into ~/mine/bashrc)"), "\(plan.stdout)")
        for round in 1...2 {
            let apply = try await tend.run(["apply", "--yes"])
            #expect(apply.status == 0, "round \(round): \(apply.stdout)\n\(apply.stderr)")
            #expect(isLink(home.path + "/.bashrc"))
            #expect(text(home, "mine/bashrc")?.hasPrefix("# mine\n# >>> tend >>>\n") == true)
            let alias = try await shell(home, ["bash", "-ic", "alias gs"])
            #expect(alias.output == "alias gs='git status'\n", "round \(round): \(alias.errorOutput)")
        }
    }

    // MARK: A hook that went missing or was edited

    @Test func anEmptiedBashrcIsAPlannedChangeAndApplyPutsTheHookBack() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let first = try await tend.run(["apply", "--yes"])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(try await shell(home, ["bash", "-ic", "alias gs"]).output == "alias gs='git status'\n")

        try home.write(".bashrc", "")
        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("+ shell-hook:~/.bashrc\n    Add tend's block to ~/.bashrc, which loads "
            + "~/.config/tend/profile.sh (no tend block in ~/.bashrc)"), "\(plan.stdout)")
        #expect(plan.stdout.contains("Plan: 1 to create, 0 to modify"), "\(plan.stdout)")
        let json = try await tend.run(["plan", "--json"])
        #expect(json.stdout.contains("\"address\" : \"shell-hook:~/.bashrc\"")
            || json.stdout.contains("\"address\": \"shell-hook:~/.bashrc\""), "\(json.stdout)")
        #expect(try await shell(home, ["bash", "-ic", "alias gs"]).output == "", "plan touched nothing")
        // A profile entry chosen alone brings the hooks that make it reach a shell.
        let targeted = try await tend.run(["plan", "--target", "env:EDITOR"])
        #expect(targeted.stdout.contains("+ shell-hook:~/.bashrc\n"), "\(targeted.stdout)")

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(try await shell(home, ["bash", "-ic", "alias gs"]).output == "alias gs='git status'\n")
        let after = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(after.status == 0, "\(after.stdout)")
    }

    /// An edit inside the block is a planned change that says the file is kept; apply puts tend's block back,
    /// keeps every byte outside it, and the edited file is in the backups.
    @Test func anEditedBlockIsKeptInBackupsBeforeItIsReplaced() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        let written = try #require(text(home, ".bashrc"))
        let edited = "# before\n" + written.replacingOccurrences(of: "# <<< tend <<<", with: "export HAND_EDIT=42\n# <<< tend <<<")
            + "# after\n"
        try home.write(".bashrc", edited)

        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("~ shell-hook:~/.bashrc\n    Put back tend's block in ~/.bashrc; it was edited outside "
            + "tend, so the file as it is now is kept in backups first (tend's block was edited outside tend)"), "\(plan.stdout)")
        #expect(plan.stdout.contains("-export HAND_EDIT=42"), "the diff shows the edit: \(plan.stdout)")
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(text(home, ".bashrc") == "# before\n" + written + "# after\n")
        let backups = home.path + "/.local/state/tend/backups"
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: backups)) ?? []
        #expect(kept.contains { (try? String(contentsOfFile: backups + "/" + $0, encoding: .utf8)) == edited },
                "the edited file is in \(backups): \(kept)")
        #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 0)
    }

    // MARK: Taking the hook out

    /// When the config no longer has profile entries, or `tend destroy --all` runs, the hooks go and each
    /// startup file is byte for byte what the user had.
    @Test(arguments: ["left the config", "destroy --all"])
    func theHookGoesWithTheLastProfileEntryAndEveryOtherByteStays(_ how: String) async throws {
        let home = try TemporaryHome()
        let bashrc = "# mine\nexport MINE=1"  // no final newline: tend adds one before its block, and takes it out
        try home.write(".bashrc", bashrc)
        try home.write("tend.yaml", Self.config)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        #expect(text(home, ".bashrc")?.hasPrefix(bashrc + "\n# >>> tend >>>\n") == true)

        if how == "destroy --all" {
            let destroy = try await tend.run(["destroy", "--all", "--yes"])
            #expect(destroy.status == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            #expect(destroy.stdout.contains("- shell-hook:~/.bashrc\n    Remove tend's block from ~/.bashrc"), "\(destroy.stdout)")
        } else {
            try home.write("tend.yaml", "tend: 1\nresources: []\n")
            let plan = try await tend.run(["plan"])
            // The words of a change for what left the config are the planner's own (the same for every type).
            #expect(plan.stdout.contains("- shell-hook:~/.bashrc\n"), "\(plan.stdout)")
            let apply = try await tend.run(["apply", "--yes"])
            #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        }
        #expect(text(home, ".bashrc") == bashrc)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.config/tend/profile.sh"))
        #expect(try await shell(home, ["bash", "-ic", "alias gs"]).output == "")
    }

    // MARK: Startup files that appear later, and login shells

    @Test func aZshrcMadeAfterTheFirstApplyGetsTheBlockOnTheNextApply() async throws {
        guard requireShell("zsh") else { return }
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.zshrc"), "bash users get no ~/.zshrc")

        try home.write(".zshrc", "# made later\nsetopt no_beep\n")
        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("+ shell-hook:~/.zshrc\n    Add tend's block to ~/.zshrc"), "\(plan.stdout)")
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        #expect(text(home, ".zshrc")?.hasPrefix("# made later\nsetopt no_beep\n# >>> tend >>>\n") == true)
        let alias = try await shell(home, ["zsh", "-ic", "alias gs"])
        #expect(alias.output == "gs='git status'\n", "\(alias.errorOutput)")
    }

    /// bash started with `-l` reads only the first of ~/.bash_profile, ~/.bash_login and ~/.profile.
    @Test func aBashLoginShellWithOnlyABashProfileGetsTheEnvironment() async throws {
        let home = try TemporaryHome()
        try home.write(".bash_profile", "# only this one\n")
        try home.write("tend.yaml", Self.config)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("shell-hook:~/.bash_profile"), "\(apply.stdout)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.profile"), "bash -l would not read it")
        #expect(text(home, ".bash_profile")?.hasPrefix("# only this one\n# >>> tend >>>\n") == true)
        let login = try await shell(home, ["bash", "-lc", "echo \"$EDITOR\""])
        #expect(login.output == "vim\n", "\(login.errorOutput)")
        let interactive = try await shell(home, ["bash", "-ic", "alias gs"])
        #expect(interactive.output == "alias gs='git status'\n", "\(interactive.errorOutput)")
    }

    /// A home with no startup files: bash users get ~/.bashrc and ~/.profile, zsh users ~/.zshrc and
    /// ~/.zprofile, and fish reads conf.d; each shell, interactive or login, has the alias and the variable.
    @Test(arguments: ["bash", "zsh"])
    func everyShellStartedInteractiveOrAsLoginLoadsTheProfile(_ login: String) async throws {
        guard requireShell("zsh"), requireShell("fish") else { return }
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/" + login])
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        if login == "zsh" {
            let interactive = try await shell(home, ["zsh", "-ic", "alias gs"])
            #expect(interactive.output == "gs='git status'\n", "\(interactive.errorOutput)")
            let loginShell = try await shell(home, ["zsh", "-lc", "echo \"$EDITOR\""])
            #expect(loginShell.output == "vim\n", "\(loginShell.errorOutput)")
        } else {
            let interactive = try await shell(home, ["bash", "-ic", "alias gs"])
            #expect(interactive.output == "alias gs='git status'\n", "\(interactive.errorOutput)")
            let loginShell = try await shell(home, ["bash", "-lc", "echo \"$EDITOR\""])
            #expect(loginShell.output == "vim\n", "\(loginShell.errorOutput)")
        }
        let fishInteractive = try await shell(home, ["fish", "-ic", "functions -q gs; and echo has-gs"])
        #expect(fishInteractive.output == "has-gs\n", "\(fishInteractive.errorOutput)")
        let fishLogin = try await shell(home, ["fish", "-lc", "echo $EDITOR"])
        #expect(fishLogin.output == "vim\n", "\(fishLogin.errorOutput)")
        #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 0)
    }

    /// Values that a shell would run or split reach every shell as the literal text the config holds.
    @Test func hostileValuesAreReadLiterallyByEveryShell() async throws {
        guard requireShell("zsh"), requireShell("fish") else { return }
        let home = try TemporaryHome()
        let marker = home.path + "/PWNED"
        let value = "$(touch \(marker)) `touch \(marker)` 'single' \"double\" back\\slash\nsecond line"
        // A YAML double-quoted scalar; `$${` is not needed as the value has no `${`.
        let yaml = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: env
                name: HOSTILE
                value: "\(yaml)"
              - type: alias
                name: show
                value: "printf '%s' \\"$HOSTILE\\""
            """)
        try home.write(".zshrc", "# the user's, so zsh gets the hook too\n")
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        for argv in [["bash", "-ic", "printf '%s' \"$HOSTILE\""], ["bash", "-lc", "printf '%s' \"$HOSTILE\""],
                     ["zsh", "-ic", "printf '%s' \"$HOSTILE\""], ["fish", "-lc", "printf '%s' \"$HOSTILE\""],
                     ["bash", "-ic", "show"]] {
            let result = try await shell(home, argv)
            #expect(result.output == value, "\(argv.joined(separator: " ")): \(result.output) \(result.errorOutput)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker), "a value was run as a command")
    }
}
