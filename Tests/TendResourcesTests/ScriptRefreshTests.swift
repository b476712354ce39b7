import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// Loads `yaml` as `HOME/conf/tend.yaml`, so that the config directory differs from the test's own.
private func loadScripts(_ yaml: String, home: TemporaryHome,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
    let loader = ConfigLoader(catalog: BuiltinSchemas.catalog, host: home.facts(), workingDirectory: home.path)
    let text = "tend: 1\nresources:\n" + yaml
    let path = try home.write("conf/tend.yaml", text)
    let result = loader.load(text: text, path: path)
    let shown = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
    #expect(result.diagnostics.isEmpty, "\(shown)", sourceLocation: sourceLocation)
    return try #require(result.config, "\(shown)", sourceLocation: sourceLocation)
}

/// A runner that only counts how many commands run at once. The first ones are held until `wanted` run
/// together (an event, so a loaded machine cannot make them miss each other); then every command exits 0 at once.
/// Were fewer ever let run together, the wait would end at its hang guard and the refresh would fail.
private final class ConcurrencyCounter: ProcessRunner, @unchecked Sendable {
    private let lock = NSLock()
    private var running = 0
    private var together = false
    private(set) var most = 0
    private(set) var commands: [Command] = []
    let wanted: Int

    init(wanted: Int) {
        self.wanted = wanted
    }

    func run(_ command: Command) async throws -> CommandResult {
        lock.withLock {
            running += 1
            most = max(most, running)
            commands.append(command)
            if running >= wanted { together = true }
        }
        defer { lock.withLock { running -= 1 } }
        try await Awaited.until("\(wanted) checks running at once") { lock.withLock { together } }
        return CommandResult(command: command, status: 0)
    }
}

@Suite struct ScriptRefreshTests {
    @Test func exitStatusDecidesPresence() async throws {
        let home = try TemporaryHome()
        let config = try loadScripts("""
              - { type: script, id: passes, check: "true", create: "true" }
              - { type: script, id: fails, check: "false", create: "true" }
              - { type: script, id: three, check: "echo to stdout; echo to stderr >&2; exit 3", create: "true" }
              - { type: script, id: killed, check: "kill -9 $$", create: "true" }
              - { type: script, id: noshell, check: "true", shell: /nonexistent/sh, create: "true" }
            """, home: home)
        let observations = try await ScriptResource().refresh(config.resources, host: home.host())
        func observed(_ id: String) -> Observation? { observations[Address(type: "script", key: id)] }
        #expect(observed("passes") == .present([:]))
        #expect(observed("fails") == .absent("check exited 1"))
        #expect(observed("three") == .absent("check exited 3"))
        #expect(observed("killed") == .absent("check was killed by signal 9"))
        #expect(observed("noshell")?.exists == false)
        #expect(observed("noshell")?.note?.hasPrefix("could not run check:") == true)
    }

    /// The time-out stops the check's process: it is gone when refresh returns, and the resource is absent.
    @Test func aCheckThatRunsTooLongIsStoppedAndAbsent() async throws {
        let home = try TemporaryHome()
        let config = try loadScripts("""
              - type: script
                id: slow
                check: echo $$ > check.pid; sleep 60; touch done
                create: "true"
                timeout: 3
            """, home: home)
        let observations = try await ScriptResource().refresh(config.resources, host: home.host())
        #expect(observations[Address(type: "script", key: "slow")] == .absent("check timed out after 3s"))
        let text = try #require(try? String(contentsOfFile: home.path + "/conf/check.pid", encoding: .utf8),
                                "the check never started")
        let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!Awaited.isRunning(pid), "the check still runs after refresh returned")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/conf/done"))
    }

    @Test func theCheckSeesItsEnvironmentShellAndTheConfigDirectory() async throws {
        let home = try TemporaryHome()
        try home.write("conf/marker.txt", "here\n")
        let config = try loadScripts("""
              - type: script
                id: env
                check: test "$GREETING" = "hello 'world' \\"quoted\\"" && test "$HOME" = "\(home.path)"
                environment: { GREETING: "hello 'world' \\"quoted\\"" }
                create: "true"
              - type: script
                id: directory
                check: test -f marker.txt && test "$(pwd -P)" = "$(cd "\(home.path)/conf" && pwd -P)"
                create: "true"
              - type: script
                id: bash
                shell: /bin/bash
                check: "[[ $${BASH_VERSION:-} != '' ]]"  # $${ is tend's escape for ${
                create: "true"
              - type: script
                id: unset
                check: test -n "$GREETING"
                create: "true"
            """, home: home)
        let observations = try await ScriptResource().refresh(config.resources, host: home.host())
        for id in ["env", "directory", "bash"] {
            #expect(observations[Address(type: "script", key: id)] == .present([:]), "\(id)")
        }
        // One resource's environment never leaks into another's check.
        #expect(observations[Address(type: "script", key: "unset")] == .absent("check exited 1"))
    }

    @Test func checksRunConcurrentlyAtMostFourAtATime() async throws {
        let home = try TemporaryHome()
        let yaml = (1...10).map { "  - { type: script, id: s\($0), check: \"true\", create: \"true\" }" }
            .joined(separator: "\n")
        let config = try loadScripts(yaml, home: home)
        let counter = ConcurrencyCounter(wanted: 4)
        let observations = try await ScriptResource().refresh(config.resources, host: home.host(runner: counter))
        #expect(observations.count == 10)
        #expect(observations.values.allSatisfy { $0.exists })
        #expect(counter.most == 4)
        let command = try #require(counter.commands.first)
        #expect(command.arguments.prefix(2) == ["/bin/sh", "-c"])
        #expect(command.arguments.last == "true")
        #expect(command.timeout == 60)
        #expect(command.workingDirectory == home.path + "/conf")
    }

    /// Two real checks that each wait for the other to start: both are present only if they ran at the same time.
    @Test func realChecksRunAtTheSameTime() async throws {
        let home = try TemporaryHome()
        func rendezvous(_ me: String, _ other: String) -> String {
            "  - type: script\n    id: \(me)\n    create: \"true\"\n"
                + "    check: touch started-\(me); i=0; while [ ! -e started-\(other) ] && [ $i -lt 3600 ]; "
                + "do sleep 0.05; i=$((i+1)); done; test -e started-\(other)"
        }
        let config = try loadScripts(rendezvous("a", "b") + "\n" + rendezvous("b", "a"), home: home)
        let observations = try await ScriptResource().refresh(config.resources, host: home.host())
        #expect(observations[Address(type: "script", key: "a")] == .present([:]))
        #expect(observations[Address(type: "script", key: "b")] == .present([:]))
    }

    @Test func planRunsCreateForAbsentDestroyForUnwantedAndNothingForPresent() async throws {
        let home = try TemporaryHome()
        let config = try loadScripts("""
              - type: script
                id: rustup
                check: "false"
                create: ./scripts/install-rustup.sh
              - type: script
                id: done
                check: "true"
                create: "true"
              - type: script
                id: leftover
                check: "true"
                create: "true"
                destroy: rm -rf ~/leftover
                ensure: absent
            """, home: home)
        let type = ScriptResource()
        let observations = try await type.refresh(config.resources, host: home.host())
        let plan = Planner(registry: TypeRegistry([type]), home: home.path)
            .plan(config: config, resources: config.resources, observations: observations)
        #expect(plan.changes.map(\.message) == ["Run script leftover (destroy)", "Run script rustup (create)"]
                || plan.changes.map(\.message) == ["Run script rustup (create)", "Run script leftover (destroy)"])
        #expect(plan.changes.first { $0.address.key == "rustup" }?.reason == "check exited 1")
        #expect(plan.unchanged.map(\.key) == ["done"])
    }
}
