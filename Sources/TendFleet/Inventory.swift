/// The machines of a fleet, as read from `fleet.yaml`.
public struct Inventory: Sendable {
    public var path: String
    public var hosts: [FleetHost]

    public init(path: String, hosts: [FleetHost]) {
        self.path = path
        self.hosts = hosts
    }

    /// The hosts `--hosts` selects (all without a pattern), in inventory order.
    public func selecting(_ pattern: String?) -> [FleetHost] {
        guard let pattern, !pattern.isEmpty else { return hosts }
        return hosts.filter { $0.matches(pattern: pattern) }
    }

    /// The host with this name, if the inventory has one.
    public func host(named name: String) -> FleetHost? {
        hosts.first { $0.name == name }
    }
}
