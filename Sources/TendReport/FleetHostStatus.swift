import Foundation

/// One host as `tend fleet status` shows it: its last run, what is still pending and what waits for recover.
public struct FleetHostStatus: Sendable, Hashable {
    public var hostID: String
    public var hostname: String
    public var lastSeen: Date
    public var lastRunID: Int64?
    public var lastRunKind: String?
    public var lastRunStatus: String?
    public var lastRunAt: Date?
    public var lastConvergedAt: Date?
    /// The pending changes from the newest plan or run, as `address (operation)`.
    public var drift: [String]
    public var driftCount: Int
    public var failedWaiting: [String]
    public var failedCount: Int
}
