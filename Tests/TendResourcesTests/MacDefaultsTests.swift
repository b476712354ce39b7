import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// macos-defaults against recorded output of the real `defaults export` (the fixture's header names its source;
/// `defaults` exists only on macOS). A scripted runner replays it and records the argv tend builds.
@Suite struct MacDefaultsTests {
    static let export: String = {
        let url = packageRoot.appendingPathComponent("Tests/TendResourcesTests/Fixtures/system/defaults-export-com.apple.dock.xml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    @Test func theExportIsReadWithTypes() throws {
        let values = try MacDefaultsResource.parse(export: Array(Self.export.utf8), domain: "com.apple.dock")
        #expect(values == ["AutoHide": "bool true", "Magnification": "bool false", "tilesize": "int 48",
                           "largesize": "float 64.5", "orientation": "string left", "persistent-apps": "array",
                           "size-immutable": "dict"])
        #expect(try MacDefaultsResource.parse(export: [], domain: "x").isEmpty)
        #expect(throws: SystemSettingError.self) { try MacDefaultsResource.parse(export: Array("<plist><dict><key>a</key>".utf8), domain: "d") }
    }

    @Test func oneExportPerDomainAndValuesInTheConfigsSpelling() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["defaults", "export", "com.apple.dock", "-"], stdout: Self.export)])
        let world = try SystemSettingWorld([MacDefaultsResource()])
        world.hostOverride = world.home.host(runner: runner)
        let config = try world.load("""
              - {type: macos-defaults, key: "com.apple.dock:AutoHide", value: "true", valueType: bool}
              - {type: macos-defaults, key: "com.apple.dock:largesize", value: "64.50", valueType: float}
              - {type: macos-defaults, key: "com.apple.dock:tilesize", value: "48"}
              - {type: macos-defaults, key: "com.apple.dock:orientation", value: bottom}
              - {type: macos-defaults, key: "com.apple.dock:show-recents", value: "false", valueType: bool}
            """)
        let plan = try await world.plan(config)
        #expect(runner.commands.map(\.arguments) == [["defaults", "export", "com.apple.dock", "-"]])
        #expect(plan.plan.changes.map(\.message).sorted() == [
            "Change defaults com.apple.dock:orientation from string left to string bottom (defaults write) (the original is kept in backups first)",
            // Stored as an integer, wanted as a string: a change, not a match.
            "Change defaults com.apple.dock:tilesize from int 48 to string 48 (defaults write) (the original is kept in backups first)",
            "Set defaults com.apple.dock:show-recents to bool false (defaults write)",
        ])
    }

    @Test func applyWritesTypedValuesAndAReleasePutsTheOriginalBack() async throws {
        let after = Self.export.replacingOccurrences(of: "<string>left</string>", with: "<string>-bottom</string>")
        let runner = ScriptedProcessRunner([
            .init(prefix: ["defaults", "export"], stdout: Self.export, repeats: false),
            .init(prefix: ["defaults", "export"], stdout: Self.export, repeats: false),
            .init(prefix: ["defaults", "write"]),
            .init(prefix: ["defaults", "export"], stdout: after, repeats: false),
            .init(prefix: ["defaults", "export"], stdout: after, repeats: false),
        ])
        let world = try SystemSettingWorld([MacDefaultsResource()])
        world.hostOverride = world.home.host(runner: runner)
        let config = try world.load("  - {type: macos-defaults, key: \"com.apple.dock:orientation\", value: \"-bottom\"}\n")
        let applied = try await world.apply(config)
        #expect(applied.summary.succeeded, "\(SystemSettingWorld.failures(applied.summary))")
        // A value that starts with '-' follows its type flag, where defaults reads it as the value.
        #expect(runner.commands.map(\.arguments).filter { $0[1] == "write" }
                == [["defaults", "write", "com.apple.dock", "orientation", "-string", "-bottom"]])

        runner.add(.init(prefix: ["defaults", "export"], stdout: after, repeats: false))
        runner.add(.init(prefix: ["defaults", "export"], stdout: after, repeats: false))
        runner.add(.init(prefix: ["defaults", "write"]))
        let released = try await world.apply(try world.load("  []\n"))
        #expect(released.summary.succeeded, "\(SystemSettingWorld.failures(released.summary))")
        #expect(released.plan.changes.map(\.message) == ["Stop managing defaults com.apple.dock:orientation (put back the original)"])
        #expect(runner.commands.map(\.arguments).filter { $0[1] == "write" }.last
                == ["defaults", "write", "com.apple.dock", "orientation", "-string", "left"])
    }

    @Test func validateRefusesNamesDefaultsWouldReadAsOptions() throws {
        let world = try SystemSettingWorld([MacDefaultsResource()])
        let result = world.loadResult("""
              - {type: macos-defaults, key: "-g:AppleShowAllExtensions", value: "true", valueType: bool}
              - {type: macos-defaults, key: "com.apple.dock", value: "1"}
              - {type: macos-defaults, key: "com.apple.dock:autohide", value: "yes", valueType: bool}
              - {type: macos-defaults, key: "com.apple.dock:tilesize", value: "4.5", valueType: int}
            """)
        let shown = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        for expected in ["'-g' in '-g:AppleShowAllExtensions' is not a defaults domain", "'com.apple.dock' is not DOMAIN:KEY",
                         "'yes' is not true or false", "'4.5' is not a whole number"] {
            #expect(shown.contains(expected), "missing '\(expected)' in:\n\(shown)")
        }
    }
}
