import Foundation
import TendCore
import TendYAML

/// Reads `fleet.yaml`: hosts (`user@host[:port]` or an OpenSSH alias), groups and variables. Every problem of
/// the file is collected and reported at once, as `FILE:LINE:COL` diagnostics with hints, like the config's.
///
/// ```yaml
/// fleet: 1
/// vars: { editor: vim }               # every host
/// groups:
///   laptops:
///     hosts: [alice-laptop]
///     vars: { battery: true }
/// hosts:
///   alice-laptop: { address: alice@10.0.0.7:2222 }
///   build1:                            # the name is the address (an ssh config alias here)
/// ```
public struct InventoryLoader: Sendable {
    public static let formatVersion = 1
    static let topLevelKeys = ["fleet", "vars", "groups", "hosts"]
    static let hostKeys = ["address", "groups", "vars"]
    static let groupKeys = ["hosts", "vars"]

    public init() {}

    /// Loads the inventory at `path` (spelled as the user wrote it, for messages).
    public func load(path: String) -> InventoryLoadResult {
        do {
            let bytes = try RegularFileReader.read(path, limit: RegularFileReader.configLimit)
            return load(bytes: bytes, path: path)
        } catch .missing {
            return InventoryLoadResult(inventory: nil, diagnostics: [.error(
                "inventory '\(path)' not found", at: nil,
                hint: "write a fleet.yaml with a 'hosts:' mapping, or pass one with -i FILE")], sources: [:])
        } catch {
            return InventoryLoadResult(inventory: nil, diagnostics: [.error(
                "inventory " + error.showing("'\(path)'").description, at: nil,
                hint: "an inventory is a regular file of at most \(RegularFileReader.configLimit >> 20) MiB")],
                sources: [:])
        }
    }

    /// Loads an inventory from its bytes, as if read from `path`.
    public func load(bytes: [UInt8], path: String) -> InventoryLoadResult {
        var session = InventorySession(file: path)
        let sources = [path: String(decoding: bytes, as: UTF8.self)]
        let root: Node?
        do {
            root = try Parser().parse(bytes: bytes)
        } catch let error as YAMLError {
            session.error(error.message, error.mark)
            return InventoryLoadResult(inventory: nil, diagnostics: session.diagnostics, sources: sources)
        } catch {
            session.error("\(error)", .start)
            return InventoryLoadResult(inventory: nil, diagnostics: session.diagnostics, sources: sources)
        }
        let hosts = session.decode(root)
        let failed = session.diagnostics.contains { $0.severity == .error }
        return InventoryLoadResult(inventory: failed ? nil : Inventory(path: path, hosts: hosts),
                                   diagnostics: session.diagnostics, sources: sources)
    }
}
