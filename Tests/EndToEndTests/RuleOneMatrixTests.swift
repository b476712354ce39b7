import Foundation
import Testing
import TendCore
import TendTestSupport

/// One cell of rule 1's matrix: a kind of thing tend manages, whether tend made it or found it, whether the user
/// changed it afterwards, and how it goes away.
struct RuleOneCell: Sendable, CustomTestStringConvertible {
    enum Kind: String, Sendable, CaseIterable { case file, symlink, directory, alias, gitConfig = "git-config", sshKey = "ssh-key" }
    enum Origin: String, Sendable, CaseIterable { case created, adopted }
    enum Edit: String, Sendable, CaseIterable { case edited = "edited since", untouched }
    enum Removal: String, Sendable, CaseIterable {
        case leftTheConfig = "left the config", ensureAbsent = "ensure: absent", tendDestroy = "tend destroy"
    }

    var kind: Kind
    var origin: Origin
    var edit: Edit
    var removal: Removal

    var testDescription: String { "\(kind.rawValue), \(origin.rawValue), \(edit.rawValue), \(removal.rawValue)" }

    /// Every cell. Aliases (and PATH and env entries, which share the code) live in tend's own `profile.sh`, so
    /// nothing of the user's is there to adopt: their cells are the created ones. "Edited since" for them means
    /// the user added a line to `profile.sh` itself, which tend keeps in backups before it rewrites or removes the
    /// file; edits to shell startup files are the shell hook's matter.
    static let all: [RuleOneCell] = Kind.allCases.flatMap { kind in
        Origin.allCases.flatMap { origin in
            Edit.allCases.flatMap { edit in
                Removal.allCases.compactMap { removal in
                    if kind == .alias && origin == .adopted { return nil }
                    return RuleOneCell(kind: kind, origin: origin, edit: edit, removal: removal)
                }
            }
        }
    }
}

/// DESIGN "Never lose a byte", issue 9 item 1: for each cell, the plan's words, the bytes on disk afterwards, and
/// that every byte the user wrote is in place or in `tend backups`. Real files, real git, real ssh-keygen, the
/// built binary in a temporary HOME.
@Suite struct RuleOneMatrixTests {
    @Test(arguments: RuleOneCell.all)
    func everyDestructiveStepKeepsTheUsersBytes(_ cell: RuleOneCell) async throws {
        let world = try MatrixWorld(cell)
        if cell.origin == .adopted { try await world.prepareOriginal() }
        try world.writeConfig(present: true)
        let first = try await world.tend.run(["apply", "--yes"])
        try #require(first.status == 0, "first apply failed:\n\(first.stdout)\n\(first.stderr)")
        if cell.origin == .adopted {
            // A key of the user's gets tend's comment: both files are rewritten, so both are kept first.
            let kept = cell.kind == .sshKey ? "(both files kept in backups first)" : "(the original is kept in backups first)"
            #expect(first.stdout.contains(kept), "\(first.stdout)")
        }
        // An edit replaces the key's bytes by the user's own hand; then those are what must survive.
        if cell.edit == .untouched { try world.noteKey() }
        if cell.edit == .edited { try await world.editOutsideTend() }

        let message = world.expectedMessage()
        let removal: TendBinary.Output
        switch cell.removal {
        case .leftTheConfig, .ensureAbsent:
            try world.writeConfig(present: cell.removal == .ensureAbsent, absent: true)
            // `tend plan` says it in the same words as the plan apply shows and runs.
            try await world.expectPlanSays(message)
            removal = try await world.tend.run(["apply", "--yes"])
        case .tendDestroy:
            removal = try await world.tend.run(["destroy", world.address, "--yes"])
        }
        try #require(removal.status == 0, "removal failed:\n\(removal.stdout)\n\(removal.stderr)")
        // Exactly these words, no clause more or less: the progress line of the change that ran carries the message.
        #expect(removal.stdout.contains("start   \(world.address): \(message)\n"),
                "the plan should say '\(message)':\n\(removal.stdout)")
        try await world.checkDisk()
        try await world.checkUsersBytesAreKept()
        try await world.checkBackupsAreWhatThePlanSaid()
    }
}

/// The temporary home of one cell and what the user wrote there.
private struct MatrixWorld {
    let cell: RuleOneCell
    let home: TemporaryHome
    let tend: TendBinary
    /// Bytes the user wrote that must survive: in place, or in `tend backups`.
    private let users = UsersBytes()

    init(_ cell: RuleOneCell) throws {
        self.cell = cell
        home = try TemporaryHome(prefix: "tend-rule1")
        tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        try home.write("dotfiles/vimrc", "set number\n")
        try home.write("dotfiles/mine", "the user's own vimrc\n")
    }

    var address: String {
        switch cell.kind {
        case .file: return "file:~/app.conf"
        case .symlink: return "symlink:~/.vimrc"
        case .directory: return "directory:~/data"
        case .alias: return "alias:ll"
        case .gitConfig: return "git-config:user.name"
        case .sshKey: return "ssh-key:~/.ssh/id_test"
        }
    }

    private var path: String {
        switch cell.kind {
        case .file: return home.path + "/app.conf"
        case .symlink: return home.path + "/.vimrc"
        case .directory: return home.path + "/data"
        case .alias: return home.path + "/.config/tend/profile.sh"
        case .gitConfig: return home.path + "/.gitconfig"
        case .sshKey: return home.path + "/.ssh/id_test"
        }
    }

    private var resource: String {
        switch cell.kind {
        case .file: return "type: file\n    path: ~/app.conf\n    content: \"tend=1\\n\""
        case .symlink: return "type: symlink\n    path: ~/.vimrc\n    target: ./dotfiles/vimrc"
        case .directory: return "type: directory\n    path: ~/data\n    mode: \"0750\""
        case .alias: return "type: alias\n    name: ll\n    value: ls -l"
        case .gitConfig: return "type: git-config\n    key: user.name\n    value: Tend Name"
        case .sshKey: return "type: ssh-key\n    path: ~/.ssh/id_test\n    comment: tend@matrix"
        }
    }

    func writeConfig(present: Bool, absent: Bool = false) throws {
        var text = "tend: 1\nresources:"
        if present {
            text += "\n  - " + resource + (absent ? "\n    ensure: absent" : "") + "\n"
        } else {
            text += " []\n"
        }
        try home.write("tend.yaml", text)
    }

    /// What was there before tend: the user's, kept when tend takes it over.
    func prepareOriginal() async throws {
        switch cell.kind {
        case .file:
            try home.write("app.conf", "original=1\n")
            users.add(.bytes("original=1\n"))
        case .symlink:
            try home.write(".vimrc", "original vimrc\n")
            users.add(.bytes("original vimrc\n"))
        case .directory:
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            users.add(.mode(0o700))
        case .alias:
            break
        case .gitConfig:
            try await run(["git", "config", "--global", "user.name", "Pre Existing"])
            users.add(.bytes("Pre Existing"))
        case .sshKey:
            try FileManager.default.createDirectory(atPath: home.path + "/.ssh", withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            try await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "users@own", "-f", path])
            users.add(.bytes(try String(contentsOfFile: path, encoding: .utf8)))
        }
    }

    /// The user's later change to what tend wrote.
    func editOutsideTend() async throws {
        switch cell.kind {
        case .file:
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(Data("user=2\n".utf8))
            try handle.close()
            users.add(.bytes("tend=1\nuser=2\n"))
        case .symlink:
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: home.path + "/dotfiles/mine")
            users.add(.link(home.path + "/dotfiles/mine"))
        case .directory:
            #expect(chmod(path, 0o705) == 0)
            users.add(.mode(0o705))
        case .alias:
            let edited = try String(contentsOfFile: path, encoding: .utf8) + "alias mine='echo mine'\n"
            try Data(edited.utf8).write(to: URL(fileURLWithPath: path))
            users.add(.bytes(edited))
        case .gitConfig:
            try await run(["git", "config", "--global", "user.name", "User Edit"])
            users.add(.bytes("User Edit"))
        case .sshKey:
            try await run(["ssh-keygen", "-q", "-c", "-C", "edited@by-user", "-P", "", "-f", path])
        }
        if cell.kind == .sshKey { try noteKey() }
    }

    /// A private key is worth as much as anything the user typed, whoever generated it.
    func noteKey() throws {
        guard cell.kind == .sshKey else { return }
        users.add(.bytes(try String(contentsOfFile: path, encoding: .utf8)))
    }

    /// The plan's sentence for the removal, as rule 1 decides it.
    func expectedMessage() -> String {
        let releases = cell.removal == .leftTheConfig && (cell.origin == .adopted || cell.kind == .sshKey)
        let edited = cell.edit == .edited ? "edited outside tend since run 1" : nil
        let noun: String
        switch cell.kind {
        case .file: noun = "~/app.conf"
        case .symlink: noun = "link ~/.vimrc"
        case .directory: noun = "directory ~/data"
        case .alias: noun = "alias ll"
        case .gitConfig: noun = "git config user.name"
        case .sshKey: noun = "key ~/.ssh/id_test"
        }
        if releases {
            if cell.kind == .sshKey { return "Stop managing \(noun) (left as it is)" }
            if let edited { return "Stop managing \(noun) (left as it is: \(edited); the original is kept in backups)" }
            return "Stop managing \(noun) (put back the original)"
        }
        let verb: String
        switch cell.kind {
        case .file: verb = "Remove ~/app.conf"
        case .symlink: verb = "Remove link ~/.vimrc"
        case .directory: verb = "Remove directory ~/data"
        case .alias: verb = "Remove alias ll"
        case .gitConfig: verb = "Unset git config user.name"
        case .sshKey: return "Delete key ~/.ssh/id_test and ~/.ssh/id_test.pub (both kept in backups first)"
        }
        var clauses: [String] = []
        if let edited { clauses.append("\(edited): kept in backups first") }
        if cell.origin == .adopted { clauses.append("the original stays in backups") }
        return clauses.isEmpty ? verb : verb + " (" + clauses.joined(separator: "; ") + ")"
    }

    /// True when the removal gives the resource up instead of deleting it.
    private var released: Bool { cell.removal == .leftTheConfig && (cell.origin == .adopted || cell.kind == .sshKey) }

    /// The change `tend plan --format json` lists for the address carries exactly `message`.
    func expectPlanSays(_ message: String) async throws {
        let plan = try await tend.run(["plan", "--format", "json"])
        try #require(plan.status == 0, "plan failed:\n\(plan.stderr)")
        let changes = try #require(try JSON.parse(plan.stdout)["changes"]?.arrayValue, "no changes in \(plan.stdout)")
        let change = changes.first { $0["address"]?.stringValue == address }
        #expect(change?["message"]?.stringValue == message, "tend plan says otherwise:\n\(plan.stdout)")
    }

    /// The backups after the removal are exactly those the plan's words promise, under this address, each from
    /// the run the words name: an original taken over in run 1 (gone once put back), a user's edit kept by the
    /// removal (run 2), a key pair kept on an explicit delete; and nothing for tend's own work.
    func checkBackupsAreWhatThePlanSaid() async throws {
        var expected: [String] = []
        if cell.origin == .adopted && cell.kind != .sshKey && !(released && cell.edit == .untouched) {
            expected.append("original, run 1")
        }
        if cell.kind == .sshKey && cell.origin == .adopted {
            expected += ["replaced by tend, run 1", "replaced by tend, run 1"]
        }
        if cell.kind == .sshKey && !released {
            expected += ["replaced by tend, run 2", "replaced by tend, run 2"]
        } else if cell.edit == .edited && !released {
            expected.append("edited outside tend, run 2")
        }
        let list = try await tend.run(["backups", "list", "--json"])
        let backups = try JSON.parse(list.stdout).arrayValue ?? []
        #expect(backups.allSatisfy { $0["address"]?.stringValue == address }, "kept under another address:\n\(list.stdout)")
        let kept = backups.map { "\($0["reason"]?.stringValue ?? "?"), run \($0["run"]?.intValue.map(String.init) ?? "none")" }
        #expect(kept.sorted() == expected.sorted(), "backups differ from what the plan said:\n\(list.stdout)")
    }

    /// What is on disk after the removal.
    func checkDisk() async throws {
        let released = cell.removal == .leftTheConfig && cell.origin == .adopted
        let files = FileSystem()
        switch cell.kind {
        case .file:
            if !released { #expect(files.status(path) == nil, "~/app.conf should be gone") }
            else { #expect(files.readText(path) == (cell.edit == .edited ? "tend=1\nuser=2\n" : "original=1\n")) }
        case .symlink:
            if !released { #expect(files.status(path) == nil, "~/.vimrc should be gone") }
            else if cell.edit == .edited { #expect(files.readLink(path) == home.path + "/dotfiles/mine") }
            else { #expect(files.status(path)?.kind == .file && files.readText(path) == "original vimrc\n") }
        case .directory:
            if !released { #expect(files.status(path) == nil, "~/data should be gone") }
            else { #expect(files.status(path)?.mode == (cell.edit == .edited ? 0o705 : 0o700)) }
        case .alias:
            #expect(!(files.readText(path) ?? "").contains("alias ll="), "profile.sh still has the alias")
        case .gitConfig:
            let value = try await run(["git", "config", "--global", "--get", "user.name"], check: false)
            if !released { #expect(value.status == 1, "user.name should be unset, is \(value.output)") }
            else { #expect(value.output == (cell.edit == .edited ? "User Edit\n" : "Pre Existing\n")) }
        case .sshKey:
            let kept = cell.removal == .leftTheConfig
            #expect(files.exists(path) == kept && files.exists(path + ".pub") == kept)
        }
    }

    /// Every byte the user wrote is in place or in `tend backups`.
    func checkUsersBytesAreKept() async throws {
        // Only what is kept under this address counts: `tend backups list ADDR` finds it there.
        let list = try await tend.run(["backups", "list", address, "--json"])
        try #require(list.status == 0, "\(list.stderr)")
        let backups = try #require(JSON.parse(list.stdout).arrayValue)
        var kept: [String] = []
        for backup in backups {
            guard let id = backup["id"]?.intValue else { continue }
            if let target = backup["linkTarget"]?.stringValue { kept.append("link " + target) }
            if let mode = backup["mode"]?.stringValue, backup["kind"]?.stringValue == "directory" { kept.append("mode " + mode) }
            if ["file", "value"].contains(backup["kind"]?.stringValue ?? "") {
                // The kept bytes follow the description after its first blank line.
                let shown = try await tend.run(["backups", "show", String(id)]).stdout
                let content = shown.range(of: "\n\n").map { String(shown[$0.upperBound...]) } ?? ""
                kept.append("bytes " + content)
            }
        }
        let files = FileSystem()
        var gitValue: String?
        if cell.kind == .gitConfig {
            gitValue = try await run(["git", "config", "--global", "--get", "user.name"], check: false).output
        }
        for piece in users.pieces {
            switch piece {
            case .bytes(let text):
                let inPlace = files.readText(path) == text || gitValue == text + "\n"
                // A setting's value is shown with a line end added.
                let asKept = ["bytes " + text, "bytes " + text + "\n"]
                #expect(inPlace || kept.contains { asKept.contains($0) }, "lost: \(text)\nkept: \(kept)")
            case .link(let target):
                #expect(files.readLink(path) == target || kept.contains("link " + target), "lost the link to \(target)")
            case .mode(let mode):
                let shown = String(format: "%04o", mode)
                #expect(files.status(path)?.mode == mode || kept.contains("mode " + shown), "lost mode \(shown)")
            }
        }
    }

    @discardableResult
    private func run(_ arguments: [String], check: Bool = true) async throws -> CommandResult {
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        let result = try await runner.run(Command(arguments, workingDirectory: home.path, timeout: 60))
        if check { try result.check() }
        return result
    }
}

/// What the user wrote, gathered as a cell runs.
private final class UsersBytes: @unchecked Sendable {
    enum Piece { case bytes(String), link(String), mode(Int) }
    private let lock = NSLock()
    private var stored: [Piece] = []

    func add(_ piece: Piece) { lock.withLock { stored.append(piece) } }
    var pieces: [Piece] { lock.withLock { stored } }
}
