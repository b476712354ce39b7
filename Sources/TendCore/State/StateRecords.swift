import Foundation

/// A resource tend manages, as the state remembers it.
public struct ManagedResource: Sendable, Hashable {
    public var address: Address
    public var type: String
    /// The parameters last applied; sensitive values are stored as `sha256:` digests only.
    public var parameters: [String: Value]
    /// Outputs of the last successful change, merged: new keys replace, absent keys stay.
    public var outputs: [String: Value]
    /// True when tend created the resource; false when it was already there and tend adopted it.
    public var createdByTend: Bool
    /// Absolute paths of the root config files that declare it.
    public var configPaths: [String]
    public var updatedAt: Date
    /// A digest of what tend last left at the resource (a file's bytes, a link's target, a directory's mode, a
    /// git value), compared before any destructive step to tell tend's own work from a user's later edit;
    /// nil when tend never recorded one (a state from before schema 2, or a type that writes nothing).
    public var written: String?
    /// The run that left `written`.
    public var writtenRun: Int64?
    /// True for `keep: true` (and ssh keys): when it leaves the config it is released, never destroyed.
    public var keep: Bool
    /// What it depended on when it was last applied, so that it can be destroyed in order once the config
    /// no longer says.
    public var dependsOn: [Address]

    public init(address: Address, type: String, parameters: [String: Value], outputs: [String: Value] = [:],
                createdByTend: Bool, configPaths: [String], updatedAt: Date = Date(), written: String? = nil,
                writtenRun: Int64? = nil, keep: Bool = false, dependsOn: [Address] = []) {
        self.address = address
        self.type = type
        self.parameters = parameters
        self.outputs = outputs
        self.createdByTend = createdByTend
        self.configPaths = configPaths
        self.updatedAt = updatedAt
        self.written = written
        self.writtenRun = writtenRun
        self.keep = keep
        self.dependsOn = dependsOn
    }
}

/// What was at a path before tend overwrote or deleted it, so it can be put back byte for byte.
public struct Backup: Sendable, Hashable {
    /// `value`: a setting that is not a file of its own (a git config value); its blob holds the value.
    public enum Kind: String, Sendable, Hashable { case file, directory, symlink, value }

    /// Why tend kept it.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// What was there before tend first changed it (an adopted resource).
        case original
        /// A user's edit of something tend wrote, kept before tend overwrote, deleted or put back over it.
        case editedOutsideTend = "edited outside tend"
        /// Kept because tend rewrote or deleted it on request (an ssh key never goes without a copy).
        case replaced = "replaced by tend"
    }

    public var id: Int64?
    public var address: Address
    public var path: String
    public var kind: Kind
    /// For files: where the original bytes are kept (a file under the state directory).
    public var blobPath: String?
    /// `sha256:` of the original bytes, to check the blob before restoring it.
    public var digest: String?
    public var mode: Int
    public var uid: UInt32
    public var gid: UInt32
    /// For symlinks: the original target.
    public var linkTarget: String?
    public var createdAt: Date
    /// The run that kept it; nil outside a run.
    public var runID: Int64?
    /// Bytes kept: the blob's length for files and values, the target's for links, 0 for directories.
    public var size: Int
    public var reason: Reason

    public init(id: Int64? = nil, address: Address, path: String, kind: Kind, blobPath: String? = nil,
                digest: String? = nil, mode: Int, uid: UInt32, gid: UInt32, linkTarget: String? = nil,
                createdAt: Date = Date(), runID: Int64? = nil, size: Int = 0, reason: Reason = .original) {
        self.runID = runID
        self.size = size
        self.reason = reason
        self.id = id
        self.address = address
        self.path = path
        self.kind = kind
        self.blobPath = blobPath
        self.digest = digest
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.linkTarget = linkTarget
        self.createdAt = createdAt
    }
}

/// One apply or destroy.
public struct RunRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case apply, destroy }
    /// `converged`: an apply that found nothing to do, recorded so that "last converged at" is known.
    public enum Status: String, Sendable, Hashable { case running, succeeded, failed, interrupted, converged }

    public var id: Int64
    public var kind: Kind
    public var status: Status
    public var startedAt: Date
    public var endedAt: Date?
    public var configPath: String
    public var configDigest: String
    public var pid: Int32
    public var hostname: String

    public init(id: Int64, kind: Kind, status: Status, startedAt: Date, endedAt: Date?, configPath: String,
                configDigest: String, pid: Int32, hostname: String) {
        self.id = id
        self.kind = kind
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.configPath = configPath
        self.configDigest = configDigest
        self.pid = pid
        self.hostname = hostname
    }
}

/// One command a change ran, as kept in a report.
public struct CommandRecord: Sendable, Hashable {
    public var arguments: [String]
    public var status: Int32
    public var duration: Double
    /// The last lines of its output.
    public var outputTail: String

    public init(arguments: [String], status: Int32, duration: Double, outputTail: String) {
        self.arguments = arguments
        self.status = status
        self.duration = duration
        self.outputTail = outputTail
    }
}

/// What happened to one change of a run.
public struct OperationReport: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case succeeded, failed, skipped, interrupted }

    public var runID: Int64
    public var address: Address
    public var operation: ResourceOperation
    public var status: Status
    public var attempts: Int
    public var duration: Double
    public var commands: [CommandRecord]
    public var outputs: [String: Value]
    public var error: String?
    public var finishedAt: Date

    public init(runID: Int64, address: Address, operation: ResourceOperation, status: Status, attempts: Int,
                duration: Double, commands: [CommandRecord] = [], outputs: [String: Value] = [:], error: String? = nil,
                finishedAt: Date = Date()) {
        self.runID = runID
        self.address = address
        self.operation = operation
        self.status = status
        self.attempts = attempts
        self.duration = duration
        self.commands = commands
        self.outputs = outputs
        self.error = error
        self.finishedAt = finishedAt
    }
}

/// A change begun in the state before tend touched the host. Open while it runs; failed when it failed;
/// an open one whose run died is reconciled on the next run by refreshing the resource.
public struct TransactionRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case open, failed }

    public var token: String
    public var runID: Int64
    public var address: Address
    public var type: String
    public var operation: ResourceOperation
    /// The change as JSON (the saved-plan form: sensitive values as digests), for `tend recover`.
    public var change: String
    public var status: Status
    public var error: String?
    public var startedAt: Date
    /// The root config of the run that began it, as read back from the store (nil in a record not read back).
    public var configPath: String?

    public init(token: String, runID: Int64, address: Address, type: String, operation: ResourceOperation,
                change: String, status: Status, error: String? = nil, startedAt: Date = Date(),
                configPath: String? = nil) {
        self.token = token
        self.runID = runID
        self.address = address
        self.type = type
        self.operation = operation
        self.change = change
        self.status = status
        self.error = error
        self.startedAt = startedAt
        self.configPath = configPath
    }
}

extension TransactionRecord {
    /// A fresh token: 12 random hexadecimal digits, short enough to type into `tend recover`.
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<12).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
    }
}

/// Who holds the state lock.
public struct LockHolder: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var hostname: String
    public var startedAt: Date
    public var command: String

    public init(pid: Int32, hostname: String, startedAt: Date, command: String) {
        self.pid = pid
        self.hostname = hostname
        self.startedAt = startedAt
        self.command = command
    }

    public var description: String {
        let formatter = ISO8601DateFormatter()
        return "pid \(pid) on \(hostname) (`\(command)`, since \(formatter.string(from: startedAt)))"
    }
}
