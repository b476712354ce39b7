import Foundation
import Testing
import TendCore
import TendTestSupport

/// gsettings and dconf for real: the built binary applies inside a private D-Bus session (`dbus-run-session`, which
/// starts the real dconf service) over a temporary HOME, so the user's own database is never touched. Plans run
/// without the bus: both types read the database through `gsettings list-recursively` and `dconf dump /`.
@Suite struct DesktopSettingsEndToEndTests {
    static let unavailableReason: String? = {
        for tool in ["/usr/bin/gsettings", "/usr/bin/dconf", "/usr/bin/dbus-run-session"] where access(tool, X_OK) != 0 {
            return "\(tool) is not installed (CI installs libglib2.0-bin, dconf-cli and dbus-daemon)"
        }
        if !FileManager.default.fileExists(atPath: "/usr/share/glib-2.0/schemas/org.gnome.desktop.interface.gschema.xml") {
            return "gsettings-desktop-schemas is not installed"
        }
        return nil
    }()

    /// `tend ARGUMENTS` inside a fresh session bus, as a desktop session would run it.
    private func inSession(_ tend: TendBinary, _ arguments: [String]) async throws -> TendBinary.Output {
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        let result = try await runner.run(Command(["dbus-run-session", "--", TendBinary.path] + arguments,
                                                  workingDirectory: tend.home.path, timeout: 600))
        return TendBinary.Output(status: result.status, stdout: result.output, stderr: result.errorOutput)
    }

    /// What a tool prints for the temporary HOME (reads need no bus).
    private func read(_ argv: [String], _ tend: TendBinary) async throws -> String {
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        return try await runner.run(Command(argv, timeout: 60)).check().output
    }

    @Test(.enabled(if: unavailableReason == nil, "\(unavailableReason ?? "")"))
    func settingsAreAppliedThenPutBackOrReset() async throws {
        let home = try TemporaryHome(prefix: "tend-desktop")
        let tend = TendBinary(home: home)
        let key = ["gsettings", "get", "org.gnome.desktop.interface", "clock-format"]
        let before = try await read(key, tend)
        let wanted = before == "'12h'\n" ? "24h" : "12h"
        // The gsettings value is written bare, the way gsettings itself accepts a string: no change on re-plan.
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: gsettings
                key: org.gnome.desktop.interface.clock-format
                value: \(wanted)
              - type: dconf
                path: /org/tend/test/answer
                value: "42"
            """)

        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("Change gsettings org.gnome.desktop.interface.clock-format from \(before.dropLast()) to \(wanted)"),
                "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("Set dconf /org/tend/test/answer to 42 (dconf write)"), "\(plan.stdout)")

        let apply = try await inSession(tend, ["apply", "--yes"])
        try #require(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(try await read(key, tend) == "'\(wanted)'\n")
        #expect(try await read(["dconf", "read", "/org/tend/test/answer"], tend) == "42\n")
        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let leave = try await inSession(tend, ["apply", "--yes"])
        #expect(leave.status == 0, "\(leave.stdout)\(leave.stderr)")
        #expect(leave.stdout.contains("Stop managing gsettings org.gnome.desktop.interface.clock-format (put back the original)"),
                "\(leave.stdout)")
        #expect(leave.stdout.contains("Reset dconf /org/tend/test/answer (dconf reset)"), "\(leave.stdout)")
        #expect(try await read(key, tend) == before)
        #expect(try await read(["dconf", "read", "/org/tend/test/answer"], tend) == "")
    }

    @Test(.enabled(if: unavailableReason == nil, "\(unavailableReason ?? "")"))
    func aDconfValueThatWasThereIsKeptAndPutBack() async throws {
        let home = try TemporaryHome(prefix: "tend-desktop")
        let tend = TendBinary(home: home)
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        let seeded = try await runner.run(Command(["dbus-run-session", "--", "dconf", "write", "/org/tend/test/name", "'mine'"],
                                                  timeout: 60))
        try #require(seeded.succeeded, "\(seeded.errorOutput)")
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: dconf, path: /org/tend/test/name, value: \"'tend'\"}\n")
        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("Change dconf /org/tend/test/name from 'mine' to 'tend' (dconf write) (the original is kept in backups first)"),
                "\(plan.stdout)")
        let apply = try await inSession(tend, ["apply", "--yes"])
        try #require(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(try await read(["dconf", "read", "/org/tend/test/name"], tend) == "'tend'\n")
        let backups = try await tend.run(["backups", "list"])
        #expect(backups.stdout.contains("dconf /org/tend/test/name"), "\(backups.stdout)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let leave = try await inSession(tend, ["apply", "--yes"])
        #expect(leave.status == 0, "\(leave.stdout)\(leave.stderr)")
        #expect(leave.stdout.contains("Stop managing dconf /org/tend/test/name (put back the original)"), "\(leave.stdout)")
        #expect(try await read(["dconf", "read", "/org/tend/test/name"], tend) == "'mine'\n")
    }

    @Test(.enabled(if: unavailableReason == nil, "\(unavailableReason ?? "")"))
    func aSchemaThatIsNotInstalledFailsThePlan() async throws {
        let home = try TemporaryHome(prefix: "tend-desktop")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: gsettings, key: org.example.not-installed.size, value: \"1\"}\n")
        let plan = try await tend.run(["plan"])
        #expect(plan.status == 1)
        #expect((plan.stdout + plan.stderr).contains("gsettings org.example.not-installed.size: schema org.example.not-installed is not installed"),
                "\(plan.stdout)\(plan.stderr)")
    }

    @Test(.enabled(if: unavailableReason == nil, "\(unavailableReason ?? "")"))
    func withoutASessionBusTheFailureSaysSo() async throws {
        let home = try TemporaryHome(prefix: "tend-desktop")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: dconf, path: /org/tend/test/nobus, value: \"1\"}\n")
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1)
        #expect((apply.stdout + apply.stderr).contains("no D-Bus session: run tend inside the desktop session, or under dbus-run-session"),
                "\(apply.stdout)\(apply.stderr)")
    }
}
