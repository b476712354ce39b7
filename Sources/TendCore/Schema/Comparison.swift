/// How the planner decides whether a parameter's desired and current values are equal.
public enum Comparison: Sendable, Hashable {
    /// Equal values are equal.
    case exact
    /// Paths compare after `~` expansion and lexical standardisation.
    case path
    /// Modes compare as octal numbers ("644" equals "0644").
    case mode
    /// Lists compare as sets: order and repeats do not matter.
    case unorderedList
    /// The desired value is a pattern (`15.*`, `1.2.?`) that the current value must match; empty matches anything.
    case versionPattern
    /// Never compared: used only when the resource is created (a clone's depth, a key's passphrase).
    case createOnly
}
