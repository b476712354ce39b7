import Foundation
import Testing
import TendCore
import TendTestSupport
@testable import TendFleet

@Suite struct InventoryTests {
    func load(_ text: String) -> InventoryLoadResult {
        InventoryLoader().load(bytes: Array(text.utf8), path: "fleet.yaml")
    }

    func rendered(_ result: InventoryLoadResult) -> String {
        DiagnosticRenderer(sources: result.sources).render(result.diagnostics)
    }

    @Test func mergesVariablesFromInventoryGroupsAndHostInThatOrder() throws {
        let result = load("""
            fleet: 1
            vars: { editor: vim, shell: bash, role: none }
            groups:
              laptops:
                hosts: [alice]
                vars: { shell: zsh, role: laptop }
            hosts:
              alice: { address: alice@10.0.0.7:2222, groups: [office], vars: { role: alice } }
              build1:
            """)
        let inventory = try #require(result.inventory, "\(rendered(result))")
        let alice = try #require(inventory.host(named: "alice"))
        #expect(alice.destination == SSHDestination(user: "alice", host: "10.0.0.7", port: 2222))
        #expect(alice.groups == ["laptops", "office"])
        let vars = Dictionary(uniqueKeysWithValues: alice.variables.map { ($0.key.scalar!.value, $0.value.scalar!.value) })
        #expect(vars == ["editor": "vim", "shell": "zsh", "role": "alice"])
        let build = try #require(inventory.host(named: "build1"))
        #expect(build.destination == SSHDestination(host: "build1"))
        #expect(build.groups.isEmpty)
        #expect(inventory.selecting("laptops").map(\.name) == ["alice"])
        #expect(inventory.selecting("b*").map(\.name) == ["build1"])
        #expect(inventory.selecting("nomatch,alice").map(\.name) == ["alice"])
    }

    @Test func everyProblemIsReportedWithFileLineColumnAndAHint() {
        let result = load("""
            fleet: 1
            groups:
              laptops:
                hosts: [alise]
                varz: {}
            hosts:
              alice: { adress: alice@box }
              evil: { address: "-oProxyCommand=touch /tmp/pwned" }
              spaced: { address: "bob@bad host" }
              portless: { address: "bob@box:http" }
              high: { address: "bob@box:70000" }
            """)
        #expect(result.inventory == nil)
        let text = rendered(result)
        #expect(text.contains("fleet.yaml:4:13: error: group 'laptops' lists 'alise', which is not a host of this inventory (did you mean 'alice'?)"))
        #expect(text.contains("fleet.yaml:5:5: error: unknown key 'varz' in group 'laptops' (did you mean 'vars'?)"))
        #expect(text.contains("fleet.yaml:7:12: error: unknown key 'adress' in host 'alice' (did you mean 'address'?)"))
        #expect(text.contains("fleet.yaml:8:20: error: the host '-oProxyCommand=touch /tmp/pwned' starts with '-'"))
        #expect(text.contains("fleet.yaml:9:22: error: the host 'bob@bad host' has characters no host name"))
        #expect(text.contains("fleet.yaml:10:24: error: 'bob@box:http' has the port 'http', which is not a number"))
        #expect(text.contains("fleet.yaml:11:20: error: 'bob@box:70000' has the port 70000; a port is 1 to 65535"))
        #expect(text.contains("hint: write user@host, user@host:port"))
        #expect(result.diagnostics.count == 7)
    }

    @Test(arguments: ["-oProxyCommand=sh", "a b", "host\nname", "x;rm", "$(id)", "h`id`", "-", "bob@-p22", "'q'"])
    func hostileDestinationsAreRefused(_ text: String) {
        #expect(throws: FleetError.self) { try SSHDestination.parse(text) }
    }

    @Test func destinationsReadBack() throws {
        #expect(try SSHDestination.parse("[::1]:2222") == SSHDestination(host: "::1", port: 2222))
        #expect(try SSHDestination.parse("me@example.com").target == "me@example.com")
        #expect(try SSHDestination.parse("alias-1").target == "alias-1")
    }

    @Test func aMissingInventorySaysHowToWriteOne() {
        let result = InventoryLoader().load(path: "/nonexistent/fleet.yaml")
        #expect(result.inventory == nil)
        #expect(result.diagnostics.first?.message == "inventory '/nonexistent/fleet.yaml' not found")
    }
}

@Suite struct FleetHelpTests {
    @Test(arguments: ["fleet", "fleet plan", "fleet apply", "fleet bootstrap"])
    func everyFleetCommandHasHelpWithExamples(_ command: String) async throws {
        let tend = try BuiltTend(home: try TemporaryHome())
        let output = try await tend.run(command.split(separator: " ").map(String.init) + ["--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Examples:"), "\(command) --help has no examples")
    }
}
