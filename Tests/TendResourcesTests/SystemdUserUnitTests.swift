import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// systemd-user-unit against output in systemctl's shape (no user manager runs here: systemd is not PID 1 in this
/// container, so nothing real can answer; the fixture's header says where its shape comes from). A scripted
/// runner replays it and records the argv tend builds.
@Suite struct SystemdUserUnitTests {
    static let fixture: String = {
        let url = packageRoot.appendingPathComponent("Tests/TendResourcesTests/Fixtures/system/systemctl-user-show.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        // The header ends at the first empty line.
        return text.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
    }()

    private func world(_ runner: ScriptedProcessRunner) throws -> (SystemSettingWorld, Machine) {
        let world = try SystemSettingWorld([SystemdUserUnitResource()])
        return (world, world.home.host(runner: runner))
    }

    @Test func oneShowServesEveryUnit() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["systemctl", "--user", "show"], stdout: Self.fixture)])
        let (world, host) = try world(runner)
        let config = try world.load("""
              - {type: systemd-user-unit, name: a.service, enabled: true, active: true}
              - {type: systemd-user-unit, name: b.timer, enabled: true}
              - {type: systemd-user-unit, name: c.service, active: true}
              - {type: systemd-user-unit, name: d.service, active: true}
              - {type: systemd-user-unit, name: m.service, active: true}
            """)
        let found = try await SystemdUserUnitResource().refresh(config.resources, host: host)
        #expect(runner.commands.map(\.arguments) == [["systemctl", "--user", "show", SystemdUserUnitResource.properties, "--",
                                                      "a.service", "b.timer", "c.service", "d.service", "m.service"]])
        func observed(_ name: String) -> Observation? { found[Address(type: "systemd-user-unit", key: name)] }
        #expect(observed("a.service")?.parameters == ["enabled": .bool(true), "active": .bool(true)])
        #expect(observed("b.timer")?.parameters == ["enabled": .bool(false), "active": .bool(false)])
        // A static unit has no enabled state to compare.
        #expect(observed("c.service")?.parameters == ["active": .bool(false)])
        #expect(observed("d.service")?.exists == false)
        #expect(observed("m.service")?.note == "masked, masked")

        let type = SystemdUserUnitResource()
        let byName = Dictionary(uniqueKeysWithValues: config.resources.map { (SystemdUserUnitResource.name(of: $0), $0) })
        #expect(type.planProblems(byName["a.service"]!, observation: observed("a.service"), host: host).isEmpty)
        #expect(type.planProblems(byName["d.service"]!, observation: observed("d.service"), host: host).map(\.message)
                == ["there is no unit d.service for the user manager"])
        #expect(type.planProblems(byName["m.service"]!, observation: observed("m.service"), host: host).map(\.message)
                == ["unit m.service is masked"])
        #expect(SystemdUserUnitResource.steps(for: byName["b.timer"]!, observation: observed("b.timer")) == ["enable"])
    }

    @Test func aStaticUnitCannotBeEnabled() async throws {
        let block = try #require(Self.fixture.components(separatedBy: "\n\n").first { $0.hasPrefix("Id=c.service") })
        let runner = ScriptedProcessRunner([.init(prefix: ["systemctl", "--user", "show"], stdout: block)])
        let (world, host) = try world(runner)
        let config = try world.load("  - {type: systemd-user-unit, name: c.service, enabled: true}\n")
        let type = SystemdUserUnitResource()
        let found = try await type.refresh(config.resources, host: host)
        let problems = type.planProblems(config.resources[0], observation: found[config.resources[0].address], host: host)
        #expect(problems.map(\.message) == ["unit c.service cannot be enabled or disabled (loaded, static)"])
    }

    @Test func applyRunsOnlyTheStepsThatDifferThenPutsTheOriginalBack() async throws {
        let before = "Id=b.timer\nLoadState=loaded\nActiveState=inactive\nUnitFileState=disabled\n"
        let after = "Id=b.timer\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\n"
        let runner = ScriptedProcessRunner([
            .init(prefix: ["systemctl", "--user", "show"], stdout: before, repeats: false),
            .init(prefix: ["systemctl", "--user", "show"], stdout: before, repeats: false),
            .init(prefix: ["systemctl", "--user", "enable"]),
            .init(prefix: ["systemctl", "--user", "start"]),
            .init(prefix: ["systemctl", "--user", "show"], stdout: after, repeats: false),
            .init(prefix: ["systemctl", "--user", "show"], stdout: after, repeats: false),
        ])
        let (world, host) = try world(runner)
        world.hostOverride = host
        let config = try world.load("  - {type: systemd-user-unit, name: b.timer, enabled: true, active: true}\n")
        let applied = try await world.apply(config)
        #expect(applied.summary.succeeded, "\(SystemSettingWorld.failures(applied.summary))")
        #expect(applied.plan.changes.map(\.message) == [
            "Change user unit b.timer: systemctl --user enable b.timer, then systemctl --user start b.timer "
                + "(the original is kept in backups first)"])
        let ran = runner.commands.map(\.arguments).filter { $0[2] != "show" }
        #expect(ran == [["systemctl", "--user", "enable", "--", "b.timer"], ["systemctl", "--user", "start", "--", "b.timer"]])

        // Leaving the config: the unit is as tend left it, so it goes back to disabled and stopped.
        runner.add(.init(prefix: ["systemctl", "--user", "show"], stdout: after, repeats: false))
        runner.add(.init(prefix: ["systemctl", "--user", "show"], stdout: after, repeats: false))
        runner.add(.init(prefix: ["systemctl", "--user", "disable"]))
        runner.add(.init(prefix: ["systemctl", "--user", "stop"]))
        let released = try await world.apply(try world.load("  []\n"))
        #expect(released.summary.succeeded, "\(SystemSettingWorld.failures(released.summary))")
        #expect(released.plan.changes.map(\.message) == ["Stop managing user unit b.timer (put back the original)"])
        #expect(runner.commands.map(\.arguments).filter { $0[2] != "show" }.suffix(2)
                == [["systemctl", "--user", "disable", "--", "b.timer"], ["systemctl", "--user", "stop", "--", "b.timer"]])
    }

    @Test func withoutAUserManagerRefreshSaysWhy() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["systemctl"], status: 1, stderr: "Failed to connect to bus: No such file or directory\n")])
        let (world, host) = try world(runner)
        let config = try world.load("  - {type: systemd-user-unit, name: a.service, active: true}\n")
        await #expect { try await SystemdUserUnitResource().refresh(config.resources, host: host) } throws: { error in
            "\(error)".contains("Failed to connect to bus") && "\(error)".contains("is a user manager running?")
        }
    }

    @Test func realSystemctlWithoutAManagerFailsTheSameWay() async throws {
        try #require(access("/usr/bin/systemctl", X_OK) == 0, "systemctl is not installed")
        let world = try SystemSettingWorld([SystemdUserUnitResource()])
        // A runtime directory with no manager in it: whatever runs on this machine, nothing answers there.
        let host = world.home.host(environment: ["XDG_RUNTIME_DIR": world.home.path, "DBUS_SESSION_BUS_ADDRESS": "unix:path=" + world.home.path + "/bus"])
        let config = try world.load("  - {type: systemd-user-unit, name: a.service, active: true}\n")
        await #expect { try await SystemdUserUnitResource().refresh(config.resources, host: host) } throws: { error in
            "\(error)".contains("'systemctl --user show' printed what tend cannot read") && "\(error)".contains("user manager")
        }
    }
}
