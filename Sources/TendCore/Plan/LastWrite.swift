/// What the planner needs to say what a destructive step will do under rule 1: what tend last left at a
/// resource, what is there now, and whether an original is kept.
public struct LastWrite: Sendable, Hashable {
    /// The footprint tend recorded after its last write; nil when it has none (an older state).
    public var written: String?
    /// The run that left `written`.
    public var run: Int64?
    /// The footprint of what is there now; nil when nothing is.
    public var current: String?
    /// True when backups hold the original tend replaced (an adopted resource).
    public var keptOriginal: Bool
    /// True when tend takes over something already there with this change: it is kept as the original first.
    public var adopting: Bool

    public init(written: String?, run: Int64?, current: String?, keptOriginal: Bool, adopting: Bool = false) {
        self.written = written
        self.run = run
        self.current = current
        self.keptOriginal = keptOriginal
        self.adopting = adopting
    }

    /// True when something is there and it is not known to be what tend left: it goes to backups first.
    public var editedOutsideTend: Bool {
        guard let current else { return false }
        return written != current
    }

    /// True when an original may be put back: what is there is exactly what tend left.
    public var isTendsOwn: Bool { written != nil && current == written }

    /// "edited outside tend since run 12", "removed outside tend since run 12", or why tend cannot tell.
    public var editPhrase: String {
        guard written != nil else { return "not known to be tend's own (no record of what tend wrote)" }
        return (current == nil ? "removed" : "edited") + " outside tend" + (run.map { " since run \($0)" } ?? "")
    }
}
