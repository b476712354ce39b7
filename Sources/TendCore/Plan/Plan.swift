/// The changes that would make the host match the config, in the order they may run. Inert: only the
/// executor acts on it; text, JSON and Markdown renderers and saved plans all read this one value.
public struct Plan: Sendable, Hashable {
    public static let formatVersion = 1

    public var configPath: String
    public var configDigest: String
    /// Destroys in reverse dependency order, then creates, recreates and modifies in dependency order.
    public var changes: [ResourceChange]
    /// Resources that already match.
    public var unchanged: [Address]
    /// Resources skipped on this host by `when`.
    public var skipped: [Address]

    public init(configPath: String, configDigest: String, changes: [ResourceChange], unchanged: [Address],
                skipped: [Address] = []) {
        self.configPath = configPath
        self.configDigest = configDigest
        self.changes = changes
        self.unchanged = unchanged
        self.skipped = skipped
    }

    public var isEmpty: Bool { changes.isEmpty }

    public func count(_ operation: ResourceOperation) -> Int {
        changes.lazy.filter { $0.operation == operation }.count
    }

    /// "Plan: 1 to create, 2 to modify, 0 to recreate, 0 to destroy, 0 to release; 8 unchanged."
    public var summaryLine: String {
        if changes.isEmpty { return "No changes: this machine matches \(PathNormalizer.lastComponent(configPath))." }
        let parts = [
            "\(count(.create)) to create", "\(count(.modify)) to modify", "\(count(.recreate)) to recreate",
            "\(count(.destroy)) to destroy", "\(count(.release)) to release",
        ]
        return "Plan: " + parts.joined(separator: ", ") + "; \(unchanged.count) unchanged."
    }
}
