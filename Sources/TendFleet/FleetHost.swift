import TendCore
import TendYAML

/// One machine of the inventory: its name (for output and `--hosts`), where ssh reaches it, the groups it is
/// in and the variables its config sees, already merged (inventory, then groups in file order, then the host).
public struct FleetHost: Sendable, Hashable {
    public var name: String
    public var destination: SSHDestination
    public var groups: [String]
    /// Name and YAML value of each variable, in a stable order; values are shipped as YAML so that a list
    /// stays a list.
    public var variables: [Pair]
    /// Where the host is declared in the inventory.
    public var location: SourceLocation

    public init(name: String, destination: SSHDestination, groups: [String], variables: [Pair],
                location: SourceLocation) {
        self.name = name
        self.destination = destination
        self.groups = groups
        self.variables = variables
        self.location = location
    }

    /// Whether `--hosts` picks this host: any comma-separated shell glob that matches its name or a group.
    public func matches(pattern: String) -> Bool {
        pattern.split(separator: ",").contains { glob in
            let glob = String(glob)
            return Glob.matches(glob, name) || groups.contains { Glob.matches(glob, $0) }
        }
    }
}
