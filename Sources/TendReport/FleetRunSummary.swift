import Foundation

/// One run of one host as `tend fleet history` lists it.
public struct FleetRunSummary: Sendable, Hashable {
    public var runID: Int64
    public var kind: String
    public var status: String
    public var startedAt: Date
    public var endedAt: Date?
    public var changed: Int
    public var failed: Int
    public var pending: Int
}
