import TendCore

/// An inventory when it had no errors, every problem found, and the file's text for the source lines.
public struct InventoryLoadResult: Sendable {
    public var inventory: Inventory?
    public var diagnostics: [Diagnostic]
    public var sources: [String: String]
}
