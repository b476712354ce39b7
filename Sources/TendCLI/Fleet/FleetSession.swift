import ArgumentParser
import Foundation
import TendCore
import TendFleet

/// What fleet plan and apply share: the inventory, the config checked here for each host, the run, the table.
struct FleetSession {
    let options: ConfigOptions
    let fleet: FleetOptions

    /// The inventory after printing its diagnostics; nil (and exit 1 when `required`) when it has errors.
    static func loadInventory(_ path: String, required: Bool = true) -> Inventory? {
        if !required && !FileManager.default.fileExists(atPath: path) { return nil }
        let result = InventoryLoader().load(path: path)
        if !result.diagnostics.isEmpty {
            Terminal.write(DiagnosticRenderer(sources: result.sources, color: Terminal.wantsColor(.standardError))
                .render(result.diagnostics), to: .standardError)
        }
        return result.inventory
    }

    func run(_ action: FleetRunner.Action) async throws {
        guard let inventory = Self.loadInventory(fleet.inventory) else { throw ExitCode(1) }
        let hosts = inventory.selecting(fleet.hosts)
        guard !hosts.isEmpty else {
            throw ValidationError("--hosts '\(fleet.hosts ?? "")' matches no host or group of \(fleet.inventory)")
        }
        let context = CommandContext(options: options)
        let configPath = PathNormalizer.absolute(options.configPath(), home: context.host.facts.home,
                                                 base: FileManager.default.currentDirectoryPath)
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw CommandFailure("config file '\(options.configPath())' not found; pass one with -c FILE")
        }
        let inventoryPath = PathNormalizer.absolute(fleet.inventory, home: context.host.facts.home,
                                                    base: FileManager.default.currentDirectoryPath)
        let bundle = try context.run { try FleetBundle(configPath: configPath, excluding: [inventoryPath]) }
        var failed = false
        let loader = ConfigLoader(catalog: context.engine.registry.catalog, host: context.host.facts)
        // The config is checked here once per host, with that host's variables and groups: a variable only the
        // inventory defines is known only then.
        for host in hosts {
            let result = try context.run { try bundle.check(host, loader: loader) }
            let errors = result.diagnostics.filter { $0.severity == .error }
            if let config = result.config { try context.run { try bundle.checkContains(config.files) } }
            guard !errors.isEmpty else { continue }
            failed = true
            Terminal.write("host \(TerminalText.escape(host.name)) (\(host.location)):\n", to: .standardError)
            Terminal.write(DiagnosticRenderer(sources: result.sources).render(errors), to: .standardError)
        }
        if failed {
            Terminal.write("the config has errors for these hosts; nothing was shipped\n", to: .standardError)
            throw ExitCode(1)
        }
        let width = hosts.map(\.name.count).max() ?? 0
        let lock = NSLock()
        let runner = FleetRunner(action: action, bundle: bundle, version: Tend.version, parallel: fleet.parallel,
                                 sshConfig: fleet.sshConfig) { host, line in
            let prefix = host.padding(toLength: width, withPad: " ", startingAt: 0) + " | "
            lock.withLock { Terminal.write(prefix + TerminalText.escape(line) + "\n") }
        }
        let outcomes = try await context.run { try await runner.run(hosts) }
        Terminal.write("\n" + FleetTable.render(outcomes))
        if outcomes.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }
}
