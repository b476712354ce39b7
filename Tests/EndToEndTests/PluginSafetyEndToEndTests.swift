import Foundation
import Testing
import TendCore
import TendTestSupport

/// Root-safe plugins: tend runs none that another user could change, gives it a small clean environment,
/// sends it secrets but never logs or stores them, and checks what it hands back against its own schema.
@Suite struct PluginSafetyEndToEndTests {
    static var userName: String { String(cString: getpwuid(geteuid())!.pointee.pw_name) }

    @Test(.enabled(if: PluginFixtures.hasPython, "the probe plugin needs python3 on PATH"))
    func aPluginInADirectoryOthersCanWriteIsRefusedWithThePathAndOwner() async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installProbe("ok", in: home)
        chmod(home.path + "/plugins", 0o777)
        try home.write("tend.yaml", "tend: 1\nplugins: [./plugins/probe.py]\nresources:\n  - type: probe\n    name: one\n")
        let tend = TendBinary(home: home)
        for command in [["validate"], ["plan"]] {
            let result = try await tend.run(command)
            #expect(result.status == 1)
            #expect(result.stderr.contains("tend.yaml:2:11: error: plugin probe.py is not safe to run: '\(home.path)/plugins' "
                                           + "(owned by \(Self.userName)) can be changed by other users (mode 777); "
                                           + "run chmod go-w on it"), "\(result.stderr)")
            #expect(result.stderr.contains("tend.yaml:4:11: error: unknown type 'probe'"))
            #expect(result.stderr.contains("hint: it may be a type of a plugin tend could not use (see the error at its "
                                           + "'plugins:' entry)"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: home.path + "/probe-state.json"))
    }

    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "needs root to give the plugin to user nobody"))
    func aPluginOwnedByAnotherUserIsRefused() async throws {
        let home = try TemporaryHome()
        let plugin = try PluginFixtures.installProbe("ok", in: home)
        let nobody = getpwnam("nobody")!.pointee
        #expect(chown(plugin, nobody.pw_uid, nobody.pw_gid) == 0)
        try home.write("tend.yaml", "tend: 1\nplugins: [./plugins/probe.py]\nresources: []\n")
        let result = try await TendBinary(home: home).run(["validate"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: plugin probe.py is not safe to run: '\(plugin)' is owned by nobody, "
                                       + "not by root; make it owned by one of them or move the plugin elsewhere"),
                "\(result.stderr)")
    }

    @Test func thePluginGetsASmallCleanEnvironment() async throws {
        let home = try TemporaryHome()
        try home.write("plugins/env.sh", """
            #!/bin/sh
            env | cut -d= -f1 | sort > "$HOME/plugin-env"
            while IFS= read -r line; do
              printf '%s\\n' '{"type":"SPEC","protocolVersion":1,"types":[{"name":"envprobe","key":"name","parameters":{"type":"object","properties":{"name":{"type":"string"}}}}]}'
            done
            """, mode: 0o755)
        chmod(home.path + "/plugins", 0o755)
        try home.write("tend.yaml", "tend: 1\nplugins: [./plugins/env.sh]\nresources: []\n")
        let tend = TendBinary(home: home, environment: ["AWS_SECRET_ACCESS_KEY": "leaked", "SSH_AUTH_SOCK": "/tmp/agent"])
        let result = try await tend.run(["validate"])
        #expect(result.status == 0, "\(result.stderr)")
        let names = Set(try String(contentsOfFile: home.path + "/plugin-env", encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(names.isSuperset(of: ["HOME", "PATH", "USER", "LANG", "TEND_PLUGIN_PROTOCOL"]))
        // What the shell adds itself (PWD) is allowed; nothing of tend's own environment beyond the list is.
        #expect(names.subtracting(["HOME", "PATH", "USER", "LANG", "TEND_PLUGIN_PROTOCOL", "PWD", "SHLVL", "_"]).isEmpty,
                "\(names.sorted())")
    }

    @Test(.enabled(if: PluginFixtures.hasPython, "the probe plugin needs python3 on PATH"))
    func aSecretReachesThePluginButNoLogNorTheState() async throws {
        let secret = "plugin-s3cret-5521"
        let home = try TemporaryHome()
        try PluginFixtures.installProbe("secret", in: home)
        try home.write("tend.yaml", """
            tend: 1
            plugins: [./plugins/probe.py]
            resources:
              - type: probe
                name: one
                token: "${env.PROBE_TOKEN}"
            """)
        let tend = TendBinary(home: home, environment: ["PROBE_TOKEN": secret])
        let apply = try await tend.run(["apply", "--yes", "-v"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(try String(contentsOfFile: home.path + "/token-received", encoding: .utf8) == secret)
        #expect(apply.stdout.contains("plugin probe.py info: using token (sensitive)"), "\(apply.stdout)")
        #expect(!apply.stdout.contains(secret) && !apply.stderr.contains(secret))
        let report = try await tend.run(["report"])
        #expect(!report.stdout.contains(secret))
        let stateDirectory = home.path + "/.local/state/tend"
        let files = try FileManager.default.subpathsOfDirectory(atPath: stateDirectory).filter {
            FileSystem().status(stateDirectory + "/" + $0)?.kind == .file
        }
        #expect(files.contains("state.db"))
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: stateDirectory + "/" + file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
        }
    }

    @Test(.enabled(if: PluginFixtures.hasPython, "the probe plugin needs python3 on PATH"))
    func aControlThatFitsTheSchemaIsMergedIntoTheStoredParameters() async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installProbe("control", in: home)
        try home.write("tend.yaml", "tend: 1\nplugins: [./plugins/probe.py]\nresources:\n  - type: probe\n    name: one\n")
        let tend = TendBinary(home: home)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let show = try await tend.run(["state", "show", "probe:one", "--json"])
        #expect(show.status == 0, "\(show.stderr)")
        let record = try JSON.parse(show.stdout)
        #expect(record["parameters"]?["count"] == .int(7), "\(show.stdout)")
        #expect(record["parameters"]?["name"] == .string("one"))
        #expect(record["outputs"]?["seen"] == .string("create"))
        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    }

    @Test(.enabled(if: PluginFixtures.hasPython, "the probe plugin needs python3 on PATH"))
    func validateChecksPluginResourcesAgainstTheSpecWithFileLineAndColumn() async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installProbe("ok", in: home)
        try home.write("tend.yaml", """
            tend: 1
            plugins: [./plugins/probe.py]
            resources:
              - type: probe
                name: one
                count: many
                color: green
                colour: red
              - type: probe
                count: 3
            """)
        let result = try await TendBinary(home: home).run(["validate"])
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("tend.yaml:") }.map(String.init)
        #expect(errors == [
            "tend.yaml:6:12: error: parameter 'count' of type probe expects an integer, found 'many'",
            "tend.yaml:7:12: error: 'green' is not a valid value for 'color' of type probe",
            "tend.yaml:8:5: error: unknown parameter 'colour' for type probe (did you mean 'color'?)",
            "tend.yaml:9:5: error: missing required parameter 'name' for type probe",
        ], "\(result.stderr)")
    }

    @Test(.enabled(if: PluginFixtures.hasPython, "the probe plugin needs python3 on PATH"))
    func aRefreshAnswerForAnAddressNotAskedAboutFailsThePlanNamingThePlugin() async throws {
        let home = try TemporaryHome()
        try PluginFixtures.installProbe("ok", in: home)
        // A state file that claims a resource tend never asked about: the probe answers from it verbatim.
        try home.write("probe-state.json", #"{"probe:one": {"name": "one"}}"#)
        let plugin = home.path + "/plugins/probe.py"
        let text = try String(contentsOfFile: plugin, encoding: .utf8).replacingOccurrences(
            of: #"{"address": r["address"], "current": state.get(r["address"])} for r in request["resources"]]})"#,
            with: #"{"address": a, "current": c} for a, c in list(state.items()) + [("probe:ghost", None)]]})"#)
        try text.write(toFile: plugin, atomically: false, encoding: .utf8)
        try home.write("tend.yaml", "tend: 1\nplugins: [./plugins/probe.py]\nresources:\n  - type: probe\n    name: one\n")
        let plan = try await TendBinary(home: home).run(["plan"])
        #expect(plan.status == 1)
        #expect(plan.stderr.contains("could not read the current state of probe resources: plugin probe.py answered for "
                                     + "'probe:ghost', an address tend did not ask it about (it asked about probe:one)"),
                "\(plan.stderr)")
    }

    @Test func aMissingPluginIsAnErrorAtItsEntry() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nplugins:\n  - ./plugins/nowhere.py\nresources: []\n")
        let result = try await TendBinary(home: home).run(["validate"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("tend.yaml:3:5: error: plugin nowhere.py could not be started: "
                                       + "'\(home.path)/plugins/nowhere.py' does not exist; 'plugins:' paths are "
                                       + "relative to the config file"), "\(result.stderr)")
        #expect(result.stderr.contains("hint: correct the path, or remove the entry"), "\(result.stderr)")
    }
}
