import Foundation
import Testing
import TendCore
import TendTestSupport

/// The cron type through the built binary with Debian's real crontab, on the crontab of a second local user made
/// for the test (never the crontab of whoever runs the tests): root's path (the spool read directly, `crontab -u
/// USER -`) and the user's own (tend run as that user: `crontab -l`, `crontab -`).
@Suite(.enabled(if: LocalUser.unavailableReason == nil, "\(LocalUser.unavailableReason ?? "")"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/crontab"), "crontab is not installed (CI installs Debian's cron)"))
struct CronEndToEndTests {
    static let usersOwn = "MAILTO=\"\"\n# my own job, not tend's\n15 * * * * echo mine\n"

    static func crontab(_ arguments: [String], input: String? = nil) async throws -> CommandResult {
        let runner = SystemProcessRunner(baseEnvironment: ["PATH": "/usr/bin:/bin"], useSudo: false)
        return try await runner.run(Command(["/usr/bin/crontab"] + arguments, input: input.map { Array($0.utf8) }, timeout: 60))
    }

    /// Removes the test user's crontab before the user is deleted, whatever the test's outcome.
    static func removeCrontab(of name: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/crontab")
        process.arguments = ["-r", "-u", name]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return }
        process.waitUntilExit()
    }

    static func config(user: String?, schedule: String = "30 2 * * *") -> String {
        let owner = user.map { "    user: \($0)\n" } ?? ""
        return "tend: 1\nresources:\n  - type: cron\n    id: nightly\n    schedule: \"\(schedule)\"\n"
            + "    command: date +%F >> ~/cron.log\n" + owner
            + "  - type: cron\n    id: hourly\n    schedule: \"@hourly\"\n    command: \"true\"\n" + owner
    }

    @Test func rootKeepsTheUsersLinesAndBacksUpAnEditedEntry() async throws {
        let base = try TemporaryHome(prefix: "tend-cron")
        let user = try LocalUser.make(home: base.path + "/user")
        defer { Self.removeCrontab(of: user.name) }
        try #require(try await Self.crontab(["-u", user.name, "-"], input: Self.usersOwn).succeeded)
        let tend = TendBinary(home: base)
        try base.write("tend.yaml", Self.config(user: user.name))

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("Add cron entry nightly to \(user.name)'s crontab: 30 2 * * * date +%F >> ~/cron.log"),
                "\(apply.stdout)")
        let installed = try await Self.crontab(["-l", "-u", user.name]).output
        #expect(installed.hasPrefix(Self.usersOwn), "\(installed)")
        #expect(installed.contains("# tend id=nightly\n30 2 * * * date +\\%F >> ~/cron.log\n# tend id=hourly\n@hourly true\n"),
                "\(installed)")
        #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 0)

        // Someone edits tend's line: the plan puts it back and says the edit is kept first.
        let edited = installed.replacingOccurrences(of: "30 2 * * * date", with: "45 3 * * * date")
        try #require(try await Self.crontab(["-u", user.name, "-"], input: edited).succeeded)
        let drift = try await tend.run(["plan"])
        #expect(drift.stdout.contains("Update cron entry nightly in \(user.name)'s crontab: schedule \"45 3 * * *\" to \"30 2 * * *\""),
                "\(drift.stdout)")
        #expect(drift.stdout.contains("kept in backups first"), "\(drift.stdout)")
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        #expect(try await Self.crontab(["-l", "-u", user.name]).output == installed)
        let list = try await tend.run(["backups", "list", "cron:nightly", "--json"])
        let kept = try #require(JSON.parse(list.stdout).arrayValue, "\(list.stdout)")
        #expect(kept.contains { $0["digest"]?.stringValue == SHA256.digest("45 3 * * * date +\\%F >> ~/cron.log") }, "\(list.stdout)")

        // Leaving the config removes tend's block and nothing else.
        try base.write("tend.yaml", "tend: 1\nresources: []\n")
        let remove = try await tend.run(["apply", "--yes"])
        #expect(remove.status == 0, "\(remove.stdout)\(remove.stderr)")
        #expect(try await Self.crontab(["-l", "-u", user.name]).output == Self.usersOwn)
    }

    @Test func aUserManagesTheirOwnCrontabWithCrontabL() async throws {
        let base = try TemporaryHome(prefix: "tend-cron-user")
        chmod(base.path, 0o755)
        let user = try LocalUser.make(home: base.path + "/user")
        defer { Self.removeCrontab(of: user.name) }
        try #require(try await Self.crontab(["-u", user.name, "-"], input: Self.usersOwn).succeeded)
        try base.write("user/tend.yaml", Self.config(user: nil, schedule: "0 4 * * 1"))
        try user.own(base.path + "/user/tend.yaml")
        let environment = ["TEND_STATE": user.home + "/state.db", "LANG": "C.UTF-8"]

        let apply = try await user.run([TendBinary.path, "apply", "--yes"], environment: environment)
        #expect(apply.status == 0, "\(apply.output)\(apply.errorOutput)")
        let installed = try await Self.crontab(["-l", "-u", user.name]).output
        #expect(installed.hasPrefix(Self.usersOwn), "\(installed)")
        #expect(installed.contains("0 4 * * 1 date +\\%F >> ~/cron.log"), "\(installed)")
        let again = try await user.run([TendBinary.path, "plan", "--detailed-exitcode"], environment: environment)
        #expect(again.status == 0, "\(again.output)\(again.errorOutput)")

        // Another user's crontab is root's business: refused at plan time, nothing changed.
        try base.write("user/tend.yaml", Self.config(user: "root"))
        try user.own(base.path + "/user/tend.yaml")
        let refused = try await user.run([TendBinary.path, "plan"], environment: environment)
        #expect(refused.status == 1)
        #expect((refused.output + refused.errorOutput).contains("the crontab of root can be changed only by root"),
                "\(refused.output)\(refused.errorOutput)")
    }

    @Test func aScheduleCronWouldRefuseFailsValidate() async throws {
        let home = try TemporaryHome(prefix: "tend-cron-bad")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: cron\n    id: bad\n    schedule: \"every day\"\n    command: \"true\"\n")
        let validate = try await tend.run(["validate"])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("schedule 'every day' is not five cron fields or an @ word")
                || validate.stderr.contains("schedule 'every day' is not five cron fields or an @ word"),
                "\(validate.stdout)\(validate.stderr)")
    }
}
