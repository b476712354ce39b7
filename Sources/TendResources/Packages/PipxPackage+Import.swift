import TendCore

/// `tend import pipx`: every environment `pipx list --json` reports, by its main package's name. Environments
/// made with `--suffix` are left out: a config cannot name two environments of one package.
extension PipxPackage: ImportingResourceType {
    public func inventory(host: Machine) async throws -> [DiscoveredResource] {
        let command = Command(["pipx", "list", "--json"])
        let result: CommandResult
        do {
            result = try await host.runner.run(command)
        } catch CommandError.launchFailed {
            throw PackageQueryError.unreadableOutput(command, reason: "pipx is not installed")
        }
        let environments: [Environment]
        do {
            environments = try Self.parse(result.output, command: command)
        } catch {
            if !result.succeeded { throw CommandError.failed(result) }
            throw error
        }
        let names = Set(environments.filter { $0.suffix.isEmpty }.map(\.package))
        return names.sorted().map { DiscoveredResource(parameters: ["name": .string($0)]) }
    }
}
