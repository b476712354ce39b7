import Foundation
import TendCore

/// `tend import brew`: the formulae installed on request (`brew leaves --installed-on-request`, which leaves out
/// what was pulled in as a dependency) and every cask (`brew list --versions --cask`, as refresh reads them).
extension BrewPackage: ImportingResourceType {
    public func inventory(host: Machine) async throws -> [DiscoveredResource] {
        let fallback = fallbackExecutables.first { host.files.status($0)?.kind == .file }
        var leaves: CommandResult?
        for executable in ["brew"] + (fallback.map { [$0] } ?? []) {
            do {
                leaves = try await host.runner.run(Command([executable, "leaves", "--installed-on-request"]))
                break
            } catch CommandError.launchFailed {
                continue
            }
        }
        guard let leaves else {
            throw PackageQueryError.unreadableOutput(Command(["brew", "leaves"]), reason: "brew is not installed")
        }
        guard leaves.succeeded else { throw CommandError.failed(leaves) }
        let formulae = leaves.output.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { name in
                // A tapped formula is listed as `user/tap/name`.
                let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                return (parts.count == 1 || parts.count == 3) && parts.allSatisfy(Self.isFormulaName)
            }
        var found = Set(formulae).sorted().map { DiscoveredResource(parameters: ["name": .string($0)]) }
        // Casks exist only on macOS; where listing them fails, the formulae still stand.
        if case .listed(let casks)? = try? await list("--cask", host: host, timeout: nil) {
            found += casks.keys.sorted().map { DiscoveredResource(parameters: ["name": .string($0), "cask": .bool(true)]) }
        }
        return found
    }
}
