import Foundation
import Testing
import TendCore
import TendTestSupport

/// login-shell, group-membership and timezone for real, through the built binary, on this machine's own
/// /etc/passwd, /etc/group, /etc/localtime and /etc/timezone (root only): apply, a re-plan that is a no-op, and
/// the release or destroy that gives the machine back what it had. Each test undoes its own changes, also when
/// it fails: a second local user and a group of its own are deleted, the machine's zone is put back.
@Suite(.serialized) struct SystemEndToEndTests {
    static let needsRoot = geteuid() == 0

    /// The login shell /etc/passwd gives `user` now.
    static func shell(of user: String) -> String? {
        guard let entry = getpwnam(user), let shell = entry.pointee.pw_shell else { return nil }
        return String(cString: shell)
    }

    @Test(.enabled(if: LocalUser.unavailableReason == nil, "\(LocalUser.unavailableReason ?? "")"))
    func loginShellIsSetAndTheOriginalPutBack() async throws {
        let home = try TemporaryHome(prefix: "tend-login-shell")
        let user = try LocalUser.make(home: home.path + "/user")
        try #require(Self.shell(of: user.name) == "/bin/sh", "useradd gave \(user.name) another shell")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: login-shell, user: \(user.name), shell: /bin/bash}\n")

        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("Change the login shell of \(user.name) from /bin/sh to /bin/bash (chsh) "
                                     + "(the original is kept in backups first)"), "\(plan.stdout)\(plan.stderr)")
        let apply = try await tend.run(["apply", "--yes"])
        try #require(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(Self.shell(of: user.name) == "/bin/bash")
        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let release = try await tend.run(["apply", "--yes"])
        #expect(release.status == 0, "\(release.stdout)\(release.stderr)")
        #expect(release.stdout.contains("Stop managing the login shell of \(user.name) (put back the original)"),
                "\(release.stdout)")
        #expect(Self.shell(of: user.name) == "/bin/sh")
    }

    @Test(.enabled(if: LocalUser.unavailableReason == nil, "\(LocalUser.unavailableReason ?? "")"))
    func aShellChangedOutsideTendIsLeftOnRelease() async throws {
        let home = try TemporaryHome(prefix: "tend-login-shell")
        let user = try LocalUser.make(home: home.path + "/user")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: login-shell, user: \(user.name), shell: /bin/bash}\n")
        try #require(try await tend.run(["apply", "--yes"]).status == 0)
        let chsh = try await home.host().runner.run(Command(["chsh", "-s", "/bin/dash", "--", user.name], timeout: 60))
        try #require(chsh.succeeded, "\(chsh.errorOutput)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let release = try await tend.run(["apply", "--yes"])
        #expect(release.status == 0, "\(release.stdout)\(release.stderr)")
        #expect(release.stdout.contains("Stop managing the login shell of \(user.name) (left as it is: "), "\(release.stdout)")
        #expect(Self.shell(of: user.name) == "/bin/dash")
    }

    /// A group of the test's own, deleted when the value is released.
    final class LocalGroup: @unchecked Sendable {
        let name = "tendg" + String(UInt32.random(in: 0...UInt32.max), radix: 36)

        init() async throws {
            let made = try await SystemProcessRunner().run(Command(["/usr/sbin/groupadd", "--", name], timeout: 60))
            try #require(made.succeeded, "groupadd \(name): \(made.errorOutput)")
        }

        deinit {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/groupdel")
            process.arguments = [name]
            try? process.run()
            process.waitUntilExit()
        }

        func members() -> [String] {
            guard let entry = getgrnam(name), var member = entry.pointee.gr_mem else { return [] }
            var names: [String] = []
            while let name = member.pointee {
                names.append(String(cString: name))
                member += 1
            }
            return names
        }
    }

    static let groupToolsReason: String? = {
        if let reason = LocalUser.unavailableReason { return reason }
        for tool in ["/usr/sbin/groupadd", "/usr/sbin/groupdel", "/usr/bin/gpasswd"] where access(tool, X_OK) != 0 {
            return "\(tool) is not installed"
        }
        return nil
    }()

    @Test(.enabled(if: groupToolsReason == nil, "\(groupToolsReason ?? "")"))
    func membershipIsAddedAndRemovedWhenTendAddedIt() async throws {
        let home = try TemporaryHome(prefix: "tend-group")
        let user = try LocalUser.make(home: home.path + "/user")
        let group = try await LocalGroup()
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: group-membership, membership: \"\(user.name):\(group.name)\"}\n")

        let apply = try await tend.run(["apply", "--yes"])
        try #require(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("Add \(user.name) to group \(group.name) (gpasswd -a"), "\(apply.stdout)")
        #expect(group.members() == [user.name])
        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let destroy = try await tend.run(["apply", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stdout)\(destroy.stderr)")
        #expect(destroy.stdout.contains("Remove \(user.name) from group \(group.name) (gpasswd -d)"), "\(destroy.stdout)")
        #expect(group.members().isEmpty)
    }

    /// A membership that was already there is never tend's: applying changes nothing and records nothing, so
    /// leaving the config leaves it too.
    @Test(.enabled(if: groupToolsReason == nil, "\(groupToolsReason ?? "")"))
    func aMembershipThatWasThereStaysWhenItLeavesTheConfig() async throws {
        let home = try TemporaryHome(prefix: "tend-group")
        let user = try LocalUser.make(home: home.path + "/user")
        let group = try await LocalGroup()
        let added = try await home.host().runner.run(Command(["gpasswd", "-a", user.name, group.name], timeout: 60))
        try #require(added.succeeded, "\(added.errorOutput)")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: group-membership, membership: \"\(user.name):\(group.name)\"}\n")
        let adopt = try await tend.run(["apply", "--yes"])
        #expect(adopt.status == 0, "\(adopt.stdout)\(adopt.stderr)")
        #expect(adopt.stdout.contains("No changes"), "\(adopt.stdout)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let leave = try await tend.run(["apply", "--yes"])
        #expect(leave.status == 0, "\(leave.stdout)\(leave.stderr)")
        #expect(!leave.stdout.contains("Remove \(user.name) from group"), "\(leave.stdout)")
        #expect(group.members() == [user.name])
    }

    /// The machine's zone as the two files say it, put back by `restore` whatever the test did.
    struct MachineZone {
        let link: String?
        let name: [UInt8]?

        init() {
            link = FileSystem().readLink("/etc/localtime")
            name = FileSystem().read("/etc/timezone")
        }

        /// Puts both files back as they were, by handle, as root.
        func restore() throws {
            let (etc, _) = try DirectoryHandle.openParent(of: "/etc/timezone")
            if let name { try etc.write(name, to: "timezone", mode: 0o644) }
            if let link { try etc.makeSymlink("localtime", target: link) }
        }
    }

    static let timezoneReason: String? = {
        if geteuid() != 0 { return "setting the machine's timezone needs root (CI runs the tests as root)" }
        if FileSystem().readLink("/etc/localtime") == nil { return "/etc/localtime is not a link into zoneinfo here" }
        if !FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/Asia/Tokyo") { return "tzdata is not installed" }
        return nil
    }()

    @Test(.enabled(if: timezoneReason == nil, "\(timezoneReason ?? "")"))
    func theMachineTimezoneIsSetAndPutBack() async throws {
        let before = MachineZone()
        defer { try? before.restore() }
        let zone = before.link?.hasSuffix("/Asia/Tokyo") == true ? "America/Lima" : "Asia/Tokyo"
        let home = try TemporaryHome(prefix: "tend-timezone")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: timezone, name: \(zone)}\n")

        let apply = try await tend.run(["apply", "--yes"])
        try #require(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(FileSystem().readLink("/etc/localtime") == "/usr/share/zoneinfo/" + zone)
        #expect(FileSystem().readText("/etc/timezone") == zone + "\n")
        // The C library sees it: date(1) in the new zone prints its abbreviation.
        let date = try await home.host().runner.run(Command(["date", "+%Z"], timeout: 60))
        #expect(date.output == (zone == "Asia/Tokyo" ? "JST\n" : "-05\n"), "\(date.output)")
        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let release = try await tend.run(["apply", "--yes"])
        #expect(release.status == 0, "\(release.stdout)\(release.stderr)")
        #expect(release.stdout.contains("Stop managing the timezone \(zone) (put back the original)"), "\(release.stdout)")
        #expect(FileSystem().readLink("/etc/localtime") == before.link)
        #expect(FileSystem().read("/etc/timezone") == before.name)
    }
}
