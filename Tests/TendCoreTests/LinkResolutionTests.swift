import Foundation
import Testing
import TendCore
import TendTestSupport

/// `DirectoryHandle.resolve` (a link at the last component followed under the same trust rule as the
/// directories on the way) and the state's private directories, made through the module.
@Suite struct LinkResolutionTests {
    static let nobody: UInt32 = 65534

    let home: TemporaryHome
    init() throws {
        home = try TemporaryHome(prefix: "tend-link-resolution")
    }

    func path(_ relative: String) -> String { home.path + "/" + relative }

    @Test func ownLinksAtTheLastComponentAreFollowedToTheFileTheyName() throws {
        try home.write("dotfiles/bashrc", "# mine\n")
        #expect(symlink("dotfiles/bashrc", path(".bashrc")) == 0)
        #expect(symlink(path(".bashrc"), path("chain")) == 0)
        let resolved = try DirectoryHandle.resolve(path("chain"))
        #expect(resolved.directory.pathOf(resolved.name) == path("dotfiles/bashrc"))
        #expect(resolved.directory.read(resolved.name) == Array("# mine\n".utf8))
        // A plain file, or nothing yet, resolves to itself.
        let plain = try DirectoryHandle.resolve(path("dotfiles/bashrc"))
        #expect(plain.name == "bashrc")
        #expect(try DirectoryHandle.resolve(path("absent")).name == "absent")
        // A link to a directory (`dotfiles/`) names no file entry.
        #expect(symlink("dotfiles/", path("to-directory")) == 0)
        #expect(throws: FileAccessError.system(operation: "resolve", path: path("dotfiles"), errno: EISDIR)) {
            try DirectoryHandle.resolve(path("to-directory"))
        }
    }

    @Test func anotherUsersLinkIsRefusedUnlessTendActsForThatUser() throws {
        try #require(geteuid() == 0, "giving a link to another user needs root; CI runs the tests as root")
        try home.write("root-file", "root's\n", mode: 0o600)
        #expect(symlink(path("root-file"), path("theirs")) == 0)
        #expect(lchown(path("theirs"), Self.nobody, Self.nobody) == 0)
        let error = #expect(throws: FileAccessError.self) { try DirectoryHandle.resolve(path("theirs")) }
        let message = error?.description ?? ""
        #expect(message.contains(path("theirs") + " is a symlink to " + path("root-file")), "\(message)")
        #expect(message.contains("owned by nobody"), "\(message)")
        // Acting for nobody (root editing nobody's own startup file), the link is nobody's own and is followed.
        let resolved = try DirectoryHandle.resolve(path("theirs"), alsoTrusting: Self.nobody)
        #expect(resolved.directory.pathOf(resolved.name) == path("root-file"))
    }

    @Test func theStateDirectoriesAreMadePrivate() throws {
        let statePath = path("state/tend/state.db")
        _ = try SQLiteStateStore(path: statePath)
        for directory in ["state", "state/tend", "state/tend/backups"] {
            let status = FileSystem().status(path(directory))
            #expect(status?.kind == .directory && status?.mode == 0o700 && status?.uid == geteuid(), "\(directory): \(String(describing: status))")
        }
        _ = try SecretKeyFile.digest(forState: path("keys/nested/state.db"))
        #expect(FileSystem().status(path("keys/nested"))?.mode == 0o700)
        #expect(FileSystem().status(path("keys/nested/state.db.hmac-key"))?.mode == 0o600)
    }

    @Test func aStateBehindAnotherUsersLinkIsRefusedAndTheLinkNamed() throws {
        try #require(geteuid() == 0, "giving a link to another user needs root; CI runs the tests as root")
        #expect(mkdir(path("elsewhere"), 0o755) == 0)
        #expect(symlink(path("elsewhere"), path("state")) == 0)
        #expect(lchown(path("state"), Self.nobody, Self.nobody) == 0)
        let error = #expect(throws: StateError.self) { try SQLiteStateStore(path: path("state/tend/state.db")) }
        #expect("\(String(describing: error))".contains(path("state") + " is a symlink to " + path("elsewhere")),
                "\(String(describing: error))")
        #expect(FileSystem().status(path("elsewhere/tend")) == nil)
    }
}
