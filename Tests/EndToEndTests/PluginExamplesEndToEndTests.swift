import Foundation
import Testing
import TendCore
import TendTestSupport

/// The two example plugins, run for real through the built tend in a temporary home: plan, apply, a second
/// plan that finds nothing to do, and destroy, each checked on the files the plugin manages.
@Suite struct PluginExamplesEndToEndTests {
    @Test(.enabled(if: PluginFixtures.hasPython, "the marker.py example needs python3 on PATH"))
    func pythonMarkerPluginPlansAppliesAndDestroys() async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installExample("marker.py", in: home)
        try home.write("tend.yaml", """
            tend: 1
            plugins: [./plugins/marker.py]
            resources:
              - type: marker
                path: ~/.cache/example/bootstrapped
                text: "done\\n"
            """)
        let tend = TendBinary(home: home)
        let marker = home.path + "/.cache/example/bootstrapped"

        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stderr)")
        #expect(plan.stdout.contains("+ marker:~/.cache/example/bootstrapped"))
        #expect(plan.stdout.contains("Create marker ~/.cache/example/bootstrapped (the plugin marker.py reports it absent)"))
        #expect(!FileManager.default.fileExists(atPath: marker), "plan must change nothing")

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "done\n")

        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        // Drift: the plugin reads the file back, so an edit shows as a modify.
        try "edited\n".write(toFile: marker, atomically: false, encoding: .utf8)
        let drift = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(drift.status == 2)
        #expect(drift.stdout.contains("~ marker:~/.cache/example/bootstrapped"))

        let destroy = try await tend.run(["destroy", "--all", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stdout)\(destroy.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        let state = try await tend.run(["state", "list"])
        #expect(!state.stdout.contains("marker:"))
    }

    @Test(.enabled(if: PluginFixtures.hasJq, "the dotenv.sh example needs jq (CI installs it)"))
    func shellDotenvPluginPlansAppliesAndDestroys() async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installExample("dotenv.sh", in: home)
        try home.write(".config/tend-example.env", "KEEP=me\n")
        try home.write("tend.yaml", """
            tend: 1
            plugins: [./plugins/dotenv.sh]
            resources:
              - type: dotenv
                name: EDITOR
                value: vim
              - type: dotenv
                name: GREETING
                value: "it's \\"quoted\\" $HOME `and` more"
            """)
        let tend = TendBinary(home: home)
        let file = home.path + "/.config/tend-example.env"

        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stderr)")
        #expect(plan.stdout.contains("+ dotenv:EDITOR"))
        #expect(plan.stdout.contains("+ dotenv:GREETING"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "KEEP=me\n", "plan must change nothing")

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let lines = Set(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(lines == ["KEEP=me", "EDITOR=vim", "GREETING=it's \"quoted\" $HOME `and` more"])

        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        let destroy = try await tend.run(["destroy", "--all", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stdout)\(destroy.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "KEEP=me\n")
    }

    @Test(.enabled(if: PluginFixtures.hasPython && PluginFixtures.hasJq, "needs python3 and jq"))
    func theSampleConfigValidatesAndListsBothPluginTypes() async throws {
        let home = try TemporaryHome()
        let tend = TendBinary(home: home)
        // The sample config as shipped, beside copies of the plugins: a clone's directories may be writable by
        // its group, which the StrictModes check rightly refuses, so the test does not depend on where it is.
        try PluginFixtures.installExample("marker.py", in: home)
        try PluginFixtures.installExample("dotenv.sh", in: home)
        let config = try home.write("plugins/tend.yaml", String(contentsOfFile: PluginFixtures.examples + "/tend.yaml",
                                                                encoding: .utf8))
        let validate = try await tend.run(["validate", "-c", config])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout == "\(config): valid, 3 resources\n")

        let types = try await tend.run(["types", "-c", config])
        #expect(types.status == 0, "\(types.stderr)")
        #expect(types.stdout.contains("marker"))
        #expect(types.stdout.contains("dotenv"))
        let plain = try await tend.run(["types"])
        #expect(!plain.stdout.contains("dotenv"), "without -c, tend types starts no plugin")

        let described = try await tend.run(["types", "-c", config, "dotenv"])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(described.stdout.contains("Address: dotenv:<name>"))

        let doctor = try await tend.run(["doctor", "-c", config, "--json"])
        #expect(doctor.stdout.contains("found and valid (3 resources)"), "\(doctor.stdout)")

        let schema = try await tend.run(["schema", "-c", config])
        #expect(schema.status == 0, "\(schema.stderr)")
        let json = try JSON.parse(schema.stdout)
        #expect(json.compact.contains("\"const\":\"dotenv\""))
        #expect(json.compact.contains("\"const\":\"marker\""))
        let plainSchema = try await tend.run(["schema"])
        #expect(!plainSchema.stdout.contains("\"dotenv\""))
    }
}
