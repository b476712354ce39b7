import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// The alias, env and path types applied for real: tend's profile written, wired into the startup files, read
/// back by real bash, zsh, sh and fish started the way a user starts them, and taken out again cleanly.
@Suite struct ProfileApplyTests {
    /// A file that exists only if some shell ran what a value says.
    static let pwned = "/tmp/tend-PWNED-\(getpid())"

    /// Prints the same literal in sh, bash, zsh and fish: `\'` outside quotes is a quote in all of them.
    static let showValue = "printf %s 'semi; $(touch \(pwned)) `touch \(pwned)` \"dq\" it'\\''s'"
    static let shown = "semi; $(touch \(pwned)) `touch \(pwned)` \"dq\" it's"

    static let aliases: [String: String] = [
        "t_plain": "git status",
        "t_subst": "echo $(touch \(pwned)); touch \(pwned)",
        "t_tick": "echo `touch \(pwned)`",
        "t_quotes": "it's \"double\" 'single' '\\''",
        "t_lines": "echo one\necho two\n",
        "t_backslash": "a\\b \\\\ \\n trailing\\",
        "t_unicode": "caf\u{e9} e\u{301} \u{1F600} '\u{301} a quote with a combining mark",
        "t_show": showValue,
        // fish's own `alias` would run this while the profile loads.
        "t_fishbreak": "echo hi; end; touch \(pwned); function t_z",
        // Calls the command, not itself, in every shell.
        "uname": "uname -s",
    ]
    static let variables: [String: String] = [
        "T_PLAIN": "vim",
        "T_SUBST": "$(touch \(pwned))",
        "T_TICK": "`touch \(pwned)`",
        "T_QUOTES": "a'b\"c '\\'' \"",
        "T_EXPAND": "${HOME} $HOME ~ *",
        "T_LINES": "line1\nline2\n\n",
        "T_BACKSLASH": "back\\slash \\n \\\\ end\\",
        "T_UNICODE": "\u{4E2D}\u{6587} '\u{301}\t\u{1F600}",
        "T_SEPARATORS": "a; b && c | d & ",
        "T_EMPTY": "",
    ]
    /// Directories for PATH, relative to the home when they start with `~`.
    static let paths: [(directory: String, position: String)] = [
        ("~/bin/$(touch \(pwned))", "prepend"),
        ("/opt/tend 'q' \u{301}bin", "append"),
        ("/usr/bin", "prepend"),  // already on PATH: stays where it is
    ]

    /// `text` as a YAML double-quoted scalar; `$${` keeps tend's interpolation away.
    static func yaml(_ text: String) -> String {
        var out = "\""
        for scalar in text.replacingOccurrences(of: "${", with: "$${").unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func config(aliases: [String: String] = aliases, variables: [String: String] = variables,
                       paths: [(directory: String, position: String)] = paths) -> String {
        var text = ""
        for name in aliases.keys.sorted() {
            text += "  - type: alias\n    name: \(yaml(name))\n    value: \(yaml(aliases[name]!))\n"
        }
        for name in variables.keys.sorted() {
            text += "  - type: env\n    name: \(yaml(name))\n    value: \(yaml(variables[name]!))\n"
        }
        for entry in paths {
            text += "  - type: path\n    directory: \(yaml(entry.directory))\n    position: \(entry.position)\n"
        }
        return text
    }

    static let basePath = "/usr/bin:/bin"

    func harness(shell: String = "/bin/bash") throws -> LocalApplyHarness {
        try LocalApplyHarness(environment: ["SHELL": shell, "PATH": Self.basePath], prefix: "tend-profile-apply")
    }

    // MARK: Shells

    /// Runs `script` in `shell` as a user would start it, in the harness's home, and splits its NUL-separated
    /// output.
    func run(_ h: LocalApplyHarness, _ shell: [String], _ script: String,
             sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> [String] {
        let result = try await h.host.runner.run(Command(shell + [script], environment: ["HOME": h.path, "PATH": Self.basePath],
                                                         workingDirectory: h.path, timeout: 60))
        #expect(result.succeeded, "\(shell.joined(separator: " ")) failed: \(result.errorOutput)", sourceLocation: sourceLocation)
        var fields = result.output.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        if fields.last == "" { fields.removeLast() }
        return fields
    }

    var variableFields: String { Self.variables.keys.sorted().map { "\"$\($0)\"" }.joined(separator: " ") }

    /// Each variable, each alias as the shell stores it, what `t_show` printed, then PATH.
    func check(_ fields: [String], aliasesRead: Bool = true, home: String,
               sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let variables = Self.variables.keys.sorted()
        let aliases = aliasesRead ? Self.aliases.keys.sorted() : []
        let expected = variables.count + aliases.count + 2
        #expect(fields.count == expected, "\(fields)", sourceLocation: sourceLocation)
        guard fields.count == expected else { return }
        for (index, name) in variables.enumerated() {
            #expect(fields[index] == Self.variables[name], "\(name)", sourceLocation: sourceLocation)
        }
        for (offset, name) in aliases.enumerated() {
            #expect(fields[variables.count + offset] == Self.aliases[name], "alias \(name)", sourceLocation: sourceLocation)
        }
        #expect(fields[expected - 2] == Self.shown, "t_show printed", sourceLocation: sourceLocation)
        let path = fields[expected - 1].components(separatedBy: ":")
        let first = home + "/bin/$(touch \(Self.pwned))"
        #expect(path.first == first, "\(path)", sourceLocation: sourceLocation)
        #expect(path.last == "/opt/tend 'q' \u{301}bin", "\(path)", sourceLocation: sourceLocation)
        #expect(path.filter { $0 == "/usr/bin" }.count == 1 && path.filter { $0 == first }.count == 1,
                "every directory once: \(path)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: Self.pwned), "a value was run", sourceLocation: sourceLocation)
    }

    /// bash and zsh started interactively read ~/.bashrc and ~/.zshrc; sh started as a login shell reads
    /// ~/.profile; fish reads conf.d. Each one sources tend's profile through what tend added.
    func checkEveryShell(_ h: LocalApplyHarness, sh: Bool) async throws {
        let names = Self.aliases.keys.sorted()
        let bash = try await run(h, ["bash", "-i", "-c"], """
            printf '%s\\0' \(variableFields) \(names.map { "\"${BASH_ALIASES[\($0)]}\"" }.joined(separator: " "))
            t_show; printf '\\0%s\\0' "$PATH"
            """)
        check(bash, home: h.path)

        let zsh = try await run(h, ["zsh", "-i", "-c"], """
            printf '%s\\0' \(variableFields) \(names.map { "\"${aliases[\($0)]}\"" }.joined(separator: " "))
            t_show; printf '\\0%s\\0' "$PATH"
            """)
        check(zsh, home: h.path)

        if sh {
            // POSIX sh has no alias table to index: `alias NAME` prints NAME='...', which eval reads back.
            let aliases = names.map { "v=$(alias \($0); printf x); v=${v%x}; eval \"v=$v\"; printf '%s\\0' \"${v#\($0)=}\"" }
            let fields = try await run(h, ["sh", "-l", "-c"], """
                printf '%s\\0' \(variableFields)
                \(aliases.joined(separator: "\n"))
                t_show; printf '\\0%s\\0' "$PATH"
                """)
            check(fields, home: h.path)
        }

        // fish aliases are functions: each must exist, and t_show must print its literal.
        let fish = try await run(h, ["fish", "-c"], """
            printf '%s\\0' \(variableFields)
            t_show; printf '\\0'
            printf '%s\\0' (string join : -- $PATH)
            for name in \(names.joined(separator: " ")); functions -q $name; or exit 3; end
            test (uname) = (command uname -s); or exit 4
            """)
        check(fish, aliasesRead: false, home: h.path)
    }

    // MARK: Apply

    @Test func valuesReachEveryShellLiterallyAndAreTakenOutCleanly() async throws {
        let h = try harness()
        // A user's startup files: ~/.zshrc without a final newline, ~/.profile with CRLF line ends.
        let bashrc = Array("# my bashrc\nexport MINE=1\nalias ll='ls -l'\n".utf8)
        let zshrc = Array("# my zshrc\nsetopt no_beep".utf8)
        let profile = Array("# my profile\r\nPROFILE_MINE=1\r\n".utf8)
        try h.writeBytes(".bashrc", bashrc, mode: 0o600)
        try h.writeBytes(".zshrc", zshrc)
        try h.writeBytes(".profile", profile)

        let plan = try await h.converge(Self.config())
        let entries = plan.changes.filter { $0.type != "shell-hook" }
        #expect(entries.count == Self.aliases.count + Self.variables.count + Self.paths.count)
        // Every startup file there is gets a hook; bash, the login shell, has no other login file than ~/.profile.
        #expect(Set(plan.changes.filter { $0.type == "shell-hook" }.map(\.address.key))
            == ["~/.bashrc", "~/.profile", "~/.zshrc", "~/.config/fish/conf.d/tend.fish"])
        #expect(plan.changes.allSatisfy { $0.operation == .create })
        #expect(h.status(".config/tend/profile.sh")?.mode == 0o600)
        #expect(h.status(".config/tend/profile.fish")?.mode == 0o600)
        #expect(h.status(".bashrc")?.mode == 0o600, "the startup file keeps its mode")
        let block = "# >>> tend >>>\n# tend's aliases, environment variables and PATH entries; tend removes this block when it manages none.\n"
            + "[ -f '\(h.path)/.config/tend/profile.sh' ] && . '\(h.path)/.config/tend/profile.sh'\n# <<< tend <<<"
        #expect(h.bytes(".bashrc") == bashrc + Array((block + "\n").utf8))
        #expect(h.bytes(".zshrc") == zshrc + Array(("\n" + block).utf8))
        #expect(h.bytes(".profile") == profile + Array((block + "\n").utf8))
        let fishStartup = String(decoding: h.bytes(".config/fish/conf.d/tend.fish") ?? [], as: UTF8.self)
        #expect(fishStartup.hasSuffix("test -f '\(h.path)/.config/tend/profile.fish'; and source '\(h.path)/.config/tend/profile.fish'\n"))
        #expect(h.lines.all.contains { $0.contains("source ~/.config/tend/profile.sh") }, "\(h.lines.all)")
        #expect(h.temporaryFiles().isEmpty && h.temporaryFiles(in: ".config/tend").isEmpty)

        try await checkEveryShell(h, sh: true)

        // Applying again changes nothing, not even the startup files.
        let before = [".bashrc", ".zshrc", ".profile", ".config/tend/profile.sh"].map { h.bytes($0) }
        let (again, secondPlan) = try await h.apply(Self.config())
        #expect(secondPlan.changes.isEmpty && again.succeeded)
        #expect([".bashrc", ".zshrc", ".profile", ".config/tend/profile.sh"].map { h.bytes($0) } == before)

        // Everything leaves the config: the profile files and the blocks go, every other byte stays.
        let (removal, removed) = try await h.apply("  []")
        #expect(removal.succeeded, "\(h.failures(removal))")
        #expect(removed.changes.allSatisfy { $0.operation == .destroy } && removed.changes.count == plan.changes.count,
                "\(removed.changes.map { "\($0.address) \($0.operation)" })")
        #expect(h.bytes(".bashrc") == bashrc)
        #expect(h.bytes(".zshrc") == zshrc)
        #expect(h.bytes(".profile") == profile)
        #expect(h.status(".bashrc")?.mode == 0o600)
        #expect(h.status(".config/tend/profile.sh") == nil && h.status(".config/tend/profile.fish") == nil)
        #expect(h.status(".config/fish/conf.d/tend.fish") == nil)
        // The hook's own destroy or the profile's clean-up, whichever ran first, says so.
        #expect(h.lines.all.contains { $0.contains("removed tend's block from ~/.bashrc") || $0.contains("removed tend's block in ~/.bashrc") },
                "\(h.lines.all)")
        #expect(!FileManager.default.fileExists(atPath: Self.pwned))
    }

    @Test func theLoginShellsStartupFileIsCreatedAndOthersAreLeftAlone() async throws {
        let h = try harness(shell: "/usr/bin/zsh")
        try await h.converge(Self.config(aliases: ["gs": "git status"], variables: [:], paths: []))
        let zshrc = String(decoding: h.bytes(".zshrc") ?? [], as: UTF8.self)
        #expect(zshrc.hasPrefix("# >>> tend >>>\n") && zshrc.hasSuffix("# <<< tend <<<\n"))
        #expect(h.status(".bashrc") == nil && h.status(".profile") == nil, "only the login shell's files are created")
        #expect(String(decoding: h.bytes(".zprofile") ?? [], as: UTF8.self) == zshrc, "zsh -l reads ~/.zprofile, not ~/.zshrc")
        let fields = try await run(h, ["zsh", "-i", "-c"], "printf '%s\\0' \"${aliases[gs]}\"")
        #expect(fields == ["git status"])

        // Changing a value rewrites the profile only.
        try await h.converge(Self.config(aliases: ["gs": "git status -sb"], variables: [:], paths: []))
        #expect(String(decoding: h.bytes(".zshrc") ?? [], as: UTF8.self) == zshrc)
        try await h.apply("  []")
        #expect(h.bytes(".zshrc") == [], "the block is gone; the file tend made stays, empty")
    }

    @Test func aStartupFileThatIsALinkKeepsBeingALink() async throws {
        let h = try harness()
        let original = Array("# dotfiles bashrc\n".utf8)
        try h.writeBytes("dotfiles/bashrc", original)
        #expect(symlink(h.path + "/dotfiles/bashrc", h.path + "/.bashrc") == 0)
        try await h.converge(Self.config(aliases: [:], variables: ["EDITOR": "vim"], paths: []))
        #expect(h.status(".bashrc")?.kind == .symlink)
        #expect(h.bytes("dotfiles/bashrc")?.starts(with: original + Array("# >>> tend >>>\n".utf8)) == true)
        let fields = try await run(h, ["bash", "-i", "-c"], "printf '%s\\0' \"$EDITOR\"")
        #expect(fields == ["vim"])
        try await h.apply("  []")
        #expect(h.status(".bashrc")?.kind == .symlink)
        #expect(h.bytes("dotfiles/bashrc") == original)
    }

    /// A `file` resource owns all of ~/.bashrc: tend adds no block there (the two would undo each other on every
    /// run); the plan stops and says what to add, and once the content loads the profile, bash has the alias.
    @Test func aBashrcTheConfigWritesMustLoadTheProfileItself() async throws {
        let h = try harness()
        let line = "[ -f \"$HOME/.config/tend/profile.sh\" ] && . \"$HOME/.config/tend/profile.sh\""
        let alias = Self.config(aliases: ["gs": "git status"], variables: [:], paths: [])
        let without = "  - type: file\n    path: ~/.bashrc\n    content: \(Self.yaml("# mine\n"))\n" + alias
        let error = await #expect(throws: PlanError.self) { try await h.plan(without) }
        #expect(error?.description == "~/.bashrc is written by file:~/.bashrc, so tend does not add its block to it; "
            + "add this line to its content: \(line)")
        #expect(h.status(".bashrc") == nil && h.status(".config/tend/profile.sh") == nil)

        let content = "# mine\n\(line)\n"
        let with = "  - type: file\n    path: ~/.bashrc\n    content: \(Self.yaml(content))\n" + alias
        let plan = try await h.converge(with)
        #expect(!plan.changes.contains { $0.address.key == "~/.bashrc" && $0.type == "shell-hook" })
        #expect(h.bytes(".bashrc") == Array(content.utf8), "tend's block is not in a file the config writes")
        let fields = try await run(h, ["bash", "-i", "-c"], "printf '%s\\0' \"${BASH_ALIASES[gs]}\"")
        #expect(fields == ["git status"])
    }

    /// A ~/.bashrc the user linked into a file that a `symlink` resource of the config links elsewhere is part of
    /// a dotfiles repository tend manages: it is not written through, and the plan says what to add.
    @Test func aLinkIntoASourceTheConfigManagesIsNotWrittenThrough() async throws {
        let h = try harness()
        try h.writeBytes("dotfiles/bashrc", Array("# shared\n".utf8))
        #expect(symlink(h.path + "/dotfiles/bashrc", h.path + "/.bashrc") == 0)
        let config = "  - type: symlink\n    path: ~/.bash_shared\n    target: ~/dotfiles/bashrc\n"
            + Self.config(aliases: ["gs": "git status"], variables: [:], paths: [])
        let error = await #expect(throws: PlanError.self) { try await h.plan(config) }
        #expect(error?.description == "~/.bashrc is a link to ~/dotfiles/bashrc, which tend manages as a symlink source, "
            + "so tend does not edit it; add this line to ~/dotfiles/bashrc: "
            + "[ -f \"$HOME/.config/tend/profile.sh\" ] && . \"$HOME/.config/tend/profile.sh\"")
        #expect(h.bytes("dotfiles/bashrc") == Array("# shared\n".utf8))
    }

    /// As root in a user's home, a startup file linked to a file of another user is not written through: that
    /// user's file would carry a line that the home's owner's shells run.
    @Test func aLinkToAnotherUsersFileIsNotWrittenThrough() async throws {
        try #require(geteuid() == 0, "needs root to give a file to another user; CI runs as root")
        let h = try harness()
        try h.writeBytes("elsewhere/bashrc", Array("# not yours\n".utf8))
        #expect(chown(h.path + "/elsewhere/bashrc", 65534, 65534) == 0)
        #expect(symlink(h.path + "/elsewhere/bashrc", h.path + "/.bashrc") == 0)
        let error = await #expect(throws: PlanError.self) {
            try await h.plan(Self.config(aliases: ["gs": "git status"], variables: [:], paths: []))
        }
        #expect(error?.description.hasPrefix("~/.bashrc is a link to ~/elsewhere/bashrc, which belongs to "
            + "\(FileSystem().userName(65534)), not root; tend edits only files of the user it acts for.") == true,
                "\(String(describing: error))")
        #expect(h.bytes("elsewhere/bashrc") == Array("# not yours\n".utf8))
    }

    /// Behind validate, which refuses these names first (`BadValueTests`).
    @Test func namesAShellCannotTakeFailAndTheRestOfTheBatchApplies() async throws {
        let h = try harness()
        h.catalog = uncheckedCatalog
        let (summary, _) = try await h.apply(Self.config(
            aliases: ["bad name": "x", "good": "y"], variables: ["PATH": "/x", "1BAD": "x", "UID": "0", "OK_1": "fine"],
            paths: [("/with:colon", "prepend"), ("/fine/bin", "append")]))
        #expect(h.failure(summary, "alias:bad name") == "alias name 'bad name' is not a plain word: use letters, digits and _ . : + - (not first)")
        #expect(h.failure(summary, "env:PATH") == "variable PATH is not written: put directories on PATH with path resources")
        #expect(h.failure(summary, "env:1BAD") == "variable name '1BAD' is not a shell name: use letters, digits and _, not starting with a digit")
        #expect(h.failure(summary, "env:UID") == "env name 'UID' is special to zsh (and read-only in bash): setting it changes the shell's user id; choose another name")
        #expect(h.failure(summary, "path:/with:colon") == "PATH entry '/with:colon' contains ':', which separates PATH entries")
        for address in ["alias:good", "env:OK_1", "path:/fine/bin"] {
            #expect(summary.outcomes[h.address(address)]?.isSuccess == true, "\(address): \(h.failures(summary))")
        }
        let written = ShellProfile.parse(String(decoding: h.bytes(".config/tend/profile.sh") ?? [], as: UTF8.self))
        #expect(written == ShellProfile(aliases: ["good": "y"], environment: ["OK_1": "fine"],
                                        pathEntries: [.init(directory: "/fine/bin", position: .append)]))
    }

    @Test func aPositionChangeMovesTheEntryInPlace() async throws {
        let h = try harness()
        try await h.converge(Self.config(aliases: [:], variables: [:], paths: [("/a", "prepend"), ("/b", "prepend")]))
        try await h.converge(Self.config(aliases: [:], variables: [:], paths: [("/a", "append"), ("/b", "prepend")]))
        let written = ShellProfile.parse(String(decoding: h.bytes(".config/tend/profile.sh") ?? [], as: UTF8.self))
        #expect(written.pathEntries == [.init(directory: "/a", position: .append), .init(directory: "/b", position: .prepend)])
    }

    /// The executor runs the alias, env and path batches side by side unless their lock group keeps them apart;
    /// a lost update would drop one type's entries.
    @Test func aliasEnvAndPathBatchesNeverLoseEachOthersEntries() async throws {
        let h = try harness()
        var aliases: [String: String] = [:]
        var variables: [String: String] = [:]
        var paths: [(String, String)] = []
        for i in 0..<60 {
            aliases["a\(i)"] = "echo \(i)"
            variables["V\(i)"] = "\(i)"
            if i < 30 { paths.append(("/opt/p\(i)", i % 2 == 0 ? "prepend" : "append")) }
        }
        try await h.converge(Self.config(aliases: aliases, variables: variables, paths: paths))
        let written = ShellProfile.parse(String(decoding: h.bytes(".config/tend/profile.sh") ?? [], as: UTF8.self))
        #expect(written.aliases == aliases)
        #expect(written.environment == variables)
        #expect(written.pathEntries.count == 30)
    }

    @Test func aStartupFileWithAnUnclosedBlockStopsThePlanBeforeAnythingChanges() async throws {
        let h = try harness()
        let bashrc = Array("# >>> tend >>>\nexport HAND=1\n".utf8)
        try h.writeBytes(".bashrc", bashrc)
        let error = await #expect(throws: PlanError.self) {
            try await h.apply(Self.config(aliases: ["gs": "git status"], variables: [:], paths: []))
        }
        #expect(error?.description == "~/.bashrc has a '# >>> tend >>>' line without a '# <<< tend <<<' line after it; "
            + "tend will not edit it until one of them is fixed by hand")
        #expect(h.bytes(".bashrc") == bashrc)
        #expect(h.status(".config/tend/profile.sh") == nil)
    }

    @Test func aFishStartupFileTendDidNotWriteIsLeftAlone() async throws {
        let h = try harness()
        try h.writeBytes(".config/fish/conf.d/tend.fish", Array("set -gx MINE 1\n".utf8))
        let error = await #expect(throws: PlanError.self) {
            try await h.apply(Self.config(aliases: ["gs": "git status"], variables: [:], paths: []))
        }
        #expect(error?.description.hasPrefix("~/.config/fish/conf.d/tend.fish exists and was not written by tend; "
            + "tend will not replace it. Rename it, or add this line to it: test -f") == true, "\(String(describing: error))")
        #expect(h.bytes(".config/fish/conf.d/tend.fish") == Array("set -gx MINE 1\n".utf8))
        #expect(h.status(".config/tend/profile.sh") == nil)
    }

    // MARK: The block, byte by byte

    static let block = Array("# >>> tend >>>\nX\n# <<< tend <<<".utf8)

    @Test(arguments: ["", "a\n", "a", "a\r\nb\r\n", "\n\n", "# <<< tend <<<\n", "x\n# >>> tend >>>x\n"])
    func addingThenRemovingTheBlockGivesBackEveryByte(_ text: String) throws {
        let original = Array(text.utf8)
        let added = try #require(ShellHookFile.adding(Self.block, to: original))
        #expect(ShellHookFile.blockRanges(in: added)?.count == 1)
        #expect(ShellHookFile.adding(Self.block, to: added) == added, "adding twice changes nothing")
        #expect(ShellHookFile.removingBlocks(from: added) == original)
        // Lines the user adds after tend's block stay, in order, when it goes.
        let appended = added + Array("\nexport LATER=1\n".utf8)
        #expect(ShellHookFile.removingBlocks(from: appended) == Array((text + "\nexport LATER=1\n").utf8))
    }

    @Test func anOldBlockIsRewrittenInPlaceAndDuplicatesAreMerged() {
        let old = Array("top\n# >>> tend >>>\nOLD\n# <<< tend <<<\nbottom\n".utf8)
        #expect(ShellHookFile.adding(Self.block, to: old) == Array("top\n# >>> tend >>>\nX\n# <<< tend <<<\nbottom\n".utf8))
        let twice = Array("a\n# >>> tend >>>\n1\n# <<< tend <<<\nb\n# >>> tend >>>\n2\n# <<< tend <<<\n".utf8)
        #expect(ShellHookFile.adding(Self.block, to: twice) == Array("a\nb\n# >>> tend >>>\nX\n# <<< tend <<<\n".utf8))
        #expect(ShellHookFile.removingBlocks(from: twice) == Array("a\nb\n".utf8))
        #expect(ShellHookFile.adding(Self.block, to: Array("# >>> tend >>>\nno end\n".utf8)) == nil)
        #expect(ShellHookFile.removingBlocks(from: Array("# >>> tend >>>\n".utf8)) == nil)
    }
}
