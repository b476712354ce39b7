import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// launchd-agent: the property list is written, compared and put back for real, in a temporary HOME on this
/// machine's file system; launchctl exists only on macOS, so a scripted runner stands in for it and records the
/// argv tend builds.
@Suite struct LaunchdAgentTests {
    private static func world() throws -> (SystemSettingWorld, ScriptedProcessRunner) {
        let runner = ScriptedProcessRunner([.init(prefix: ["launchctl"])])
        let world = try SystemSettingWorld([LaunchdAgentResource()])
        world.hostOverride = world.home.host(runner: runner)
        return (world, runner)
    }

    static let agent = "  - {type: launchd-agent, label: com.example.backup, program: [/usr/local/bin/backup, \"--to\", \"a & <b>\"]}\n"

    @Test func theFileIsWrittenLoadedAndThenRemoved() async throws {
        let (world, runner) = try Self.world()
        let path = world.home.path + "/Library/LaunchAgents/com.example.backup.plist"
        let config = try world.load(Self.agent)
        let first = try await world.apply(config)
        #expect(first.summary.succeeded, "\(SystemSettingWorld.failures(first.summary))")
        #expect(first.plan.changes.map(\.message) == ["Write ~/Library/LaunchAgents/com.example.backup.plist and load it (launchctl bootstrap)"])
        let written = try #require(FileSystem().readText(path))
        #expect(written.contains("\t\t<string>a &amp; &lt;b&gt;</string>\n"))
        #expect(written.contains("<key>RunAtLoad</key>\n\t<true/>"))
        #expect(FileSystem().status(path)?.mode == 0o644)
        // The reader tend uses for defaults reads tend's own file back.
        #expect(try PlistXML.topLevel(written)["Label"] == .string("com.example.backup"))
        let uid = geteuid()
        #expect(runner.commands.map(\.arguments) == [["launchctl", "bootout", "gui/\(uid)/com.example.backup"],
                                                     ["launchctl", "bootstrap", "gui/\(uid)", path]])
        #expect(try await world.plan(config).plan.changes.isEmpty)

        let gone = try await world.apply(try world.load("  []\n"))
        #expect(gone.summary.succeeded, "\(SystemSettingWorld.failures(gone.summary))")
        #expect(gone.plan.changes.map(\.message) == ["Unload com.example.backup (launchctl bootout) and delete ~/Library/LaunchAgents/com.example.backup.plist"])
        #expect(FileSystem().status(path) == nil)
    }

    @Test func aUsersOwnAgentIsKeptAndPutBack() async throws {
        let (world, _) = try Self.world()
        let mine = "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict><key>Label</key><string>com.example.backup</string></dict></plist>\n"
        let path = try world.home.write("Library/LaunchAgents/com.example.backup.plist", mine)
        let config = try world.load(Self.agent)
        let plan = try await world.plan(config)
        #expect(plan.plan.changes.map(\.message) == [
            "Rewrite ~/Library/LaunchAgents/com.example.backup.plist and reload it (launchctl bootout, then bootstrap) "
                + "(the original is kept in backups first)"])
        #expect(plan.plan.changes.first?.diff?.contains("-<?xml version=\"1.0\"?>") == true)
        let applied = try await world.apply(config)
        #expect(applied.summary.succeeded, "\(SystemSettingWorld.failures(applied.summary))")
        #expect(FileSystem().readText(path) != mine)

        let released = try await world.apply(try world.load("  []\n"))
        #expect(released.summary.succeeded, "\(SystemSettingWorld.failures(released.summary))")
        #expect(released.plan.changes.map(\.message) == ["Stop managing ~/Library/LaunchAgents/com.example.backup.plist (put back the original)"])
        #expect(FileSystem().readText(path) == mine)
    }

    @Test func aLinkWhereTheFileGoesIsReplacedNotFollowed() async throws {
        let (world, _) = try Self.world()
        let target = try world.home.write("elsewhere.txt", "not an agent\n")
        try FileManager.default.createDirectory(atPath: world.home.path + "/Library/LaunchAgents", withIntermediateDirectories: true)
        let path = world.home.path + "/Library/LaunchAgents/com.example.backup.plist"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        let applied = try await world.apply(try world.load(Self.agent))
        #expect(applied.summary.succeeded, "\(SystemSettingWorld.failures(applied.summary))")
        #expect(FileSystem().readText(target) == "not an agent\n")
        #expect(FileSystem().status(path)?.kind == .file)
    }

    @Test func validateRefusesALabelThatIsAPath() throws {
        let (world, _) = try Self.world()
        let result = world.loadResult("  - {type: launchd-agent, label: ../../.ssh/authorized_keys, program: [x]}\n")
        let shown = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        #expect(shown.contains("'../../.ssh/authorized_keys' is not a launchd label"), "\(shown)")
    }
}
