import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// login-shell, group-membership and timezone over real files: refresh parses real passwd and group files and
/// reads a real link, and the timezone is set and put back in a tree of the test's own with the real zoneinfo
/// database. The same types against the machine's own files, as root, are in `SystemEndToEndTests`.
@Suite struct SystemSettingsTests {
    static let zoneinfo = "/usr/share/zoneinfo"

    @Test func loginShellRefreshReadsThePasswdFileOnce() async throws {
        let world = try SystemSettingWorld([LoginShellResource()])
        let passwd = try world.home.write("passwd", """
            root:x:0:0:root:/root:/bin/bash
            alice:x:1000:1000:Alice,,,:/home/alice:/usr/bin/zsh
            +nis-entry::::::
            bob:x:1001:1001::/home/bob:
            alice:x:1002:1002:second line:/home/alice2:/bin/sh

            """)
        let type = LoginShellResource(passwdPath: passwd)
        let config = try world.load("""
              - {type: login-shell, user: alice, shell: /bin/bash}
              - {type: login-shell, user: bob, shell: /bin/bash}
              - {type: login-shell, user: carol, shell: /bin/bash}
            """)
        let found = try await type.refresh(config.resources, host: world.host)
        #expect(found[Address(type: "login-shell", key: "alice")] == .present(["shell": .string("/usr/bin/zsh")]))
        #expect(found[Address(type: "login-shell", key: "bob")] == .present(["shell": .string("")]))
        #expect(found[Address(type: "login-shell", key: "carol")]?.exists == false)
        #expect(found[Address(type: "login-shell", key: "carol")]?.note == "no user carol in \(passwd)")
    }

    @Test func aMissingPasswdFileIsAnErrorThatNamesIt() async throws {
        let world = try SystemSettingWorld([LoginShellResource()])
        let type = LoginShellResource(passwdPath: world.home.path + "/no-passwd")
        let config = try world.load("  - {type: login-shell, user: alice, shell: /bin/bash}\n")
        await #expect { try await type.refresh(config.resources, host: world.host) } throws: { error in
            "\(error)".contains("cannot read \(world.home.path)/no-passwd")
        }
    }

    @Test func groupMembershipRefreshReadsTheGroupFile() async throws {
        let world = try SystemSettingWorld([GroupMembershipResource()])
        let group = try world.home.write("group", """
            docker:x:998:alice, bob
            audio:x:29:
            alice:x:1000:

            """)
        let type = GroupMembershipResource(groupPath: group)
        let config = try world.load("""
              - {type: group-membership, membership: "alice:docker"}
              - {type: group-membership, membership: "bob:docker"}
              - {type: group-membership, membership: "alice:audio"}
              - {type: group-membership, membership: "alice:alice"}
              - {type: group-membership, membership: "alice:video"}
            """)
        let found = try await type.refresh(config.resources, host: world.host)
        func observed(_ key: String) -> Observation? { found[Address(type: "group-membership", key: key)] }
        #expect(observed("alice:docker")?.exists == true)
        #expect(observed("bob:docker")?.exists == true)
        #expect(observed("alice:audio")?.note == "alice is not listed in group audio")
        // A primary group is not a listed membership: gpasswd -a would still add the user to the list.
        #expect(observed("alice:alice")?.exists == false)
        #expect(observed("alice:video")?.note == "no group video in \(group)")
    }

    @Test func validateRefusesWhatApplyWould() throws {
        let world = try SystemSettingWorld([LoginShellResource(), GroupMembershipResource(), TimezoneResource()])
        let result = world.loadResult("""
              - {type: login-shell, user: alice, shell: /usr/bin/not-a-shell}
              - {type: login-shell, user: bob, shell: bash}
              - {type: login-shell, user: "-rf", shell: /bin/sh}
              - {type: login-shell, user: carol, shell: /bin/sh, ensure: absent}
              - {type: group-membership, membership: "alice"}
              - {type: group-membership, membership: "alice:--all"}
              - {type: timezone, name: Mars/Olympus_Mons}
              - {type: timezone, name: ../../etc/passwd}
              - {type: timezone, name: UTC, ensure: absent}
            """)
        let shown = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        for expected in [
            "login shell '/usr/bin/not-a-shell' is not listed in /etc/shells",
            "login shell 'bash' is not an absolute path",
            "'-rf' is not a user name",
            "a login shell cannot be absent",
            "membership 'alice' is not USER:GROUP",
            "membership 'alice:--all' has '--all', which is not a group name",
            "timezone 'Mars/Olympus_Mons' is not in /usr/share/zoneinfo",
            "timezone '../../etc/passwd' is not a zone name",
            "a timezone cannot be absent",
        ] {
            #expect(shown.contains(expected), "missing '\(expected)' in:\n\(shown)")
        }
        #expect(result.diagnostics.count == 9, "\(shown)")
    }

    /// A tree with `etc/localtime` linked into the real zoneinfo database and `etc/timezone` naming the zone.
    /// The world's registry then holds a timezone type pointed at that tree.
    private static func tree(zone: String) throws -> (world: SystemSettingWorld, type: TimezoneResource, root: String) {
        let world = try SystemSettingWorld([TimezoneResource()])
        let root = world.home.path + "/root"
        try world.home.write("root/etc/timezone", zone + "\n")
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/localtime", withDestinationPath: zoneinfo + "/" + zone)
        let type = TimezoneResource(root: root, zoneinfo: zoneinfo)
        world.registry = TypeRegistry([type])
        return (world, type, root)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: zoneinfo + "/Europe/Paris"),
                   "the zoneinfo database (Debian's tzdata) is not installed"))
    func timezoneIsSetKeptAndPutBack() async throws {
        let (tree, _, root) = try Self.tree(zone: "Etc/UTC")
        let config = try tree.load("  - {type: timezone, name: Europe/Paris}\n")

        let first = try await tree.apply(config)
        #expect(first.summary.succeeded, "\(SystemSettingWorld.failures(first.summary))")
        #expect(first.plan.changes.map(\.message) == [
            "Set the timezone to Europe/Paris: link \(root)/etc/localtime to \(Self.zoneinfo)/Europe/Paris and write "
                + "\(root)/etc/timezone (the timezone is Etc/UTC; that zone is kept in backups first)"])
        #expect(FileSystem().readLink(root + "/etc/localtime") == Self.zoneinfo + "/Europe/Paris")
        #expect(FileSystem().readText(root + "/etc/timezone") == "Europe/Paris\n")
        #expect(try await tree.plan(config).plan.changes.isEmpty)

        // Leaving the config releases the zone and gives the machine back the one tend replaced.
        let empty = try tree.load("  []\n")
        let second = try await tree.apply(empty)
        #expect(second.summary.succeeded, "\(SystemSettingWorld.failures(second.summary))")
        #expect(second.plan.changes.map(\.message) == ["Stop managing the timezone Europe/Paris (put back the original)"])
        #expect(FileSystem().readLink(root + "/etc/localtime") == Self.zoneinfo + "/Etc/UTC")
        #expect(FileSystem().readText(root + "/etc/timezone") == "Etc/UTC\n")
        #expect(try tree.store.backups(for: Address(type: "timezone", key: "Europe/Paris")).isEmpty)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: zoneinfo + "/Asia/Tokyo"),
                   "the zoneinfo database (Debian's tzdata) is not installed"))
    func aZoneChangedOutsideTendStaysOnRelease() async throws {
        let (tree, _, root) = try Self.tree(zone: "Etc/UTC")
        let config = try tree.load("  - {type: timezone, name: Asia/Tokyo}\n")
        let first = try await tree.apply(config)
        #expect(first.summary.succeeded, "\(SystemSettingWorld.failures(first.summary))")

        // Someone else moves the machine to another zone after tend set it.
        try FileManager.default.removeItem(atPath: root + "/etc/localtime")
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/localtime", withDestinationPath: Self.zoneinfo + "/America/Lima")
        try Data("America/Lima\n".utf8).write(to: URL(fileURLWithPath: root + "/etc/timezone"))

        let empty = try tree.load("  []\n")
        let second = try await tree.apply(empty)
        #expect(second.summary.succeeded, "\(SystemSettingWorld.failures(second.summary))")
        #expect(second.plan.changes.first?.message.hasPrefix("Stop managing the timezone Asia/Tokyo (left as it is:") == true,
                "\(second.plan.changes.map(\.message))")
        #expect(FileSystem().readLink(root + "/etc/localtime") == Self.zoneinfo + "/America/Lima")
        // The original stays in backups, for `tend backups restore`.
        let kept = try tree.store.backups(for: Address(type: "timezone", key: "Asia/Tokyo"))
        #expect(kept.contains { $0.reason == .original })
    }

    @Test func aLinkAndANameFileThatDisagreeAreRepaired() async throws {
        let (tree, type, root) = try Self.tree(zone: "Etc/UTC")
        try Data("Europe/Berlin\n".utf8).write(to: URL(fileURLWithPath: root + "/etc/timezone"))
        let config = try tree.load("  - {type: timezone, name: Etc/UTC}\n")
        let found = try await type.refresh(config.resources, host: tree.host)
        #expect(found[Address(type: "timezone", key: "Etc/UTC")] == .absent("\(root)/etc/timezone says Europe/Berlin"))
        let applied = try await tree.apply(config)
        #expect(applied.summary.succeeded, "\(SystemSettingWorld.failures(applied.summary))")
        #expect(FileSystem().readText(root + "/etc/timezone") == "Etc/UTC\n")
    }
}
