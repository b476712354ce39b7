import Foundation
import Testing
import TendCore
import TendTestSupport

/// tend run by an ordinary user whose plan needs root (an apt package): a second local user made by the test
/// runs the built binary, with a passwordless sudoers drop-in the test writes, without one, and without sudo on
/// PATH. Nothing here returns early: a missing precondition fails or skips with its reason.
@Suite(.serialized) struct SudoEndToEndTests {
    /// Root's temporary HOME (searchable by the user), the user whose home sits inside it, and its config.
    struct Stage {
        let home: TemporaryHome
        let user: LocalUser
        let config: String

        init(package: String) throws {
            try #require(LocalUser.unavailableReason == nil, "\(LocalUser.unavailableReason ?? "")")
            home = try TemporaryHome(prefix: "tend-sudo")
            chmod(home.path, 0o755)
            user = try LocalUser.make(home: home.path + "/user")
            config = user.home + "/tend.yaml"
            #expect(FileManager.default.createFile(atPath: config, contents: Data(
                "tend: 1\nresources:\n  - {type: apt, name: \(package)}\n".utf8)))
            try user.own(config)
        }

        /// `tend apply --yes` as the user, with `path` as its PATH.
        func apply(path: String = "/usr/local/bin:/usr/bin:/bin") async throws -> CommandResult {
            try await user.run([TendBinary.path, "apply", "--yes", "-c", config],
                               environment: ["LANG": "C.UTF-8", "NO_COLOR": "1", "PATH": path,
                                             "TEND_STATE": user.home + "/.local/state/tend/state.db"])
        }
    }

    static var sudo: String? {
        ["/usr/bin/sudo", "/bin/sudo"].first { access($0, X_OK) == 0 }
    }

    /// A package absent now that apt could install, or a visible skip.
    static func throwaway() async throws -> String {
        switch try await ThrowawayDebianPackages.absent(1, installable: true) {
        case .success(let names): return names[0]
        case .failure(let shortage): try Test.cancel("skipped: \(shortage)")
        }
    }

    /// Writes `/etc/sudoers.d/<name>` letting `user` run anything without a password; sudo ignores names with a
    /// dot, so the file is written under one and renamed into place whole.
    static func allowPasswordless(_ user: LocalUser) throws -> String {
        let path = "/etc/sudoers.d/\(user.name)"
        let temporary = "/etc/sudoers.d/.\(user.name).tmp"
        #expect(FileManager.default.createFile(atPath: temporary,
                                               contents: Data("\(user.name) ALL=(root) NOPASSWD: ALL\n".utf8),
                                               attributes: [.posixPermissions: 0o440]))
        try #require(rename(temporary, path) == 0, "could not put \(path) in place: \(String(cString: strerror(errno)))")
        return path
    }

    @Test func anOrdinaryUserInstallsAPackageThroughPasswordlessSudo() async throws {
        let sudo = try #require(Self.sudo, "sudo is not installed (.ci/run installs it)")
        try await AptTestLock.exclusively {
            let package = try await Self.throwaway()
            defer { ThrowawayDebianPackages.removeNow([package]) }
            let stage = try Stage(package: package)
            let dropIn = try Self.allowPasswordless(stage.user)
            defer { unlink(dropIn) }
            // The user cannot install on their own: without sudo, this is what tend's command would meet.
            let direct = try await stage.user.run(["/usr/bin/apt-get", "install", "-y", "-q", "--", package])
            #expect(!direct.succeeded)
            let check = try await stage.user.run([sudo, "-n", "-v"])
            try #require(check.succeeded, "the drop-in did not give passwordless sudo: \(check.errorOutput)")

            let result = try await stage.apply()
            #expect(result.status == 0, "\(result.output)\n\(result.errorOutput)")
            #expect(try await ThrowawayDebianPackages.isInstalled(package), "\(result.output)\n\(result.errorOutput)")
        }
    }

    @Test func sudoThatWantsAPasswordIsAClearErrorAndNothingChanges() async throws {
        try #require(Self.sudo != nil, "sudo is not installed (.ci/run installs it)")
        try await AptTestLock.exclusively {
            let package = try await Self.throwaway()
            defer { ThrowawayDebianPackages.removeNow([package]) }
            let stage = try Stage(package: package)
            let result = try await stage.apply()
            #expect(result.status == 1, "\(result.output)\n\(result.errorOutput)")
            #expect(result.errorOutput.contains("this plan needs root and sudo refused"), "\(result.errorOutput)")
            #expect(result.errorOutput.contains("nothing was changed"), "\(result.errorOutput)")
            #expect(try await !ThrowawayDebianPackages.isInstalled(package))
        }
    }

    @Test func withoutSudoOnPathAPrivilegedPlanIsAClearError() async throws {
        let stage = try Stage(package: "tend-surely-not-installed-pkg")
        // A PATH of one empty directory the user can search: no sudo, and nothing else either.
        let empty = stage.home.path + "/empty-bin"
        try #require(mkdir(empty, 0o755) == 0)
        let result = try await stage.apply(path: empty)
        #expect(result.status == 1, "\(result.output)\n\(result.errorOutput)")
        #expect(result.errorOutput.contains("needs root") && result.errorOutput.contains("sudo is not installed"),
                "\(result.errorOutput)")
    }
}
