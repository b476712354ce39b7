import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// What `tend import npm` and `tend import cargo` write, through the types' own inventory with the real tools:
/// something installed by hand (not by tend) is found, and the resources written for it plan as a no-op against
/// the same host.
@Suite(.serialized) struct CatalogRealImportTests {
    static let realEnvironment = ProcessInfo.processInfo.environment

    static func has(_ program: String) -> Bool {
        (realEnvironment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }

    /// Runs a setup command as the user of `home` would, failing the test when it fails.
    static func run(_ argv: [String], in directory: String, host: Machine) async throws {
        let result = try await host.runner.run(Command(argv, workingDirectory: directory, timeout: 600))
        #expect(result.status == 0, "\(argv.joined(separator: " ")): \(result.output)\n\(result.errorOutput)")
    }

    /// Imports with `type`, writes the result as a config and plans it against the same host.
    static func importThenPlan(_ name: String, host: Machine, expecting key: String, version: String) async throws {
        let type = try Catalog.type(name)
        let importing = try #require(type as? any ImportingResourceType)
        let discovered = try await importing.inventory(host: host)
        let found = try #require(discovered.first { $0.parameters["name"]?.text == key },
                                 "\(name) import did not find \(key): \(discovered)")
        #expect(found.parameters["version"]?.text == version)

        let entries = discovered.map { item in
            Catalog.entry(name, item.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value.text) })
        }.joined()
        let config = try Catalog.config(entries, type: type, host: host.facts)
        let observations = try await type.refresh(config.resources, host: host)
        let plan = Planner(registry: TypeRegistry([type]), home: host.facts.home)
            .plan(config: config, resources: config.resources, observations: observations)
        #expect(plan.changes.isEmpty, "\(plan.changes.map { "\($0.address) \($0.operation)" })")
    }

    @Test(.enabled(if: has("npm"), "needs npm (Debian package npm)"))
    func npmImportOfAHandInstalledPackagePlansAsNoOp() async throws {
        let home = try TemporaryHome()
        try home.write("pkg/package.json", #"{"name": "tend-import-tiny", "version": "2.0.1"}"#)
        try home.write("pkg/index.js", "module.exports = 1\n")
        let host = home.host(environment: ["PATH": Self.realEnvironment["PATH"] ?? "/usr/bin:/bin",
                                           "NPM_CONFIG_PREFIX": home.path + "/.npm-global",
                                           "NPM_CONFIG_OFFLINE": "true", "NPM_CONFIG_UPDATE_NOTIFIER": "false"])
        try await Self.run(["npm", "pack", "--silent"], in: home.path + "/pkg", host: host)
        try await Self.run(["npm", "install", "--global", "--no-audit", "--no-fund",
                            home.path + "/pkg/tend-import-tiny-2.0.1.tgz"], in: home.path, host: host)
        try await Self.importThenPlan("npm", host: host, expecting: "tend-import-tiny", version: "2.0.1")
    }

    @Test(.enabled(if: has("cargo"), "needs cargo (Debian package cargo, or rustup)"))
    func cargoImportOfAHandInstalledCratePlansAsNoOp() async throws {
        let home = try TemporaryHome()
        try home.write("src/tend-import-tiny/Cargo.toml",
                       "[package]\nname = \"tend-import-tiny\"\nversion = \"0.3.0\"\nedition = \"2021\"\n")
        try home.write("src/tend-import-tiny/src/main.rs", "fn main() {}\n")
        let realHome = Self.realEnvironment["HOME"] ?? "/root"
        let host = home.host(environment: ["PATH": Self.realEnvironment["PATH"] ?? "/usr/bin:/bin",
                                           "CARGO_HOME": home.path + "/.cargo", "CARGO_NET_OFFLINE": "true",
                                           "CARGO_TARGET_DIR": home.path + "/target",
                                           "RUSTUP_HOME": Self.realEnvironment["RUSTUP_HOME"] ?? realHome + "/.rustup"])
        try await Self.run(["cargo", "install", "--path", home.path + "/src/tend-import-tiny"], in: home.path, host: host)
        try await Self.importThenPlan("cargo", host: host, expecting: "tend-import-tiny", version: "0.3.0")
    }
}
