/// A type that can list everything of its kind the host has now, for `tend import` and `tend init`.
///
/// `inventory` reads the host and never changes it; like refresh, it uses one host query for the whole type.
/// Each resource it returns, written into a config as it is, must plan as a no-op on the same host: it holds
/// the key parameter and only parameters whose current value refresh reads back the same way.
public protocol ImportingResourceType: ResourceType {
    /// Every resource of this type on the host, in a stable order (by key).
    func inventory(host: Machine) async throws -> [DiscoveredResource]
}

/// One resource found on the host by `ImportingResourceType.inventory`.
public struct DiscoveredResource: Sendable, Hashable {
    /// Parameters by the schema's names; always includes the key parameter.
    public var parameters: [String: Value]
    /// A few words a written config shows as a comment beside the resource ("installed 2026-11-02"), or nil.
    public var note: String?

    public init(parameters: [String: Value], note: String? = nil) {
        self.parameters = parameters
        self.note = note
    }
}
