/// One change handed to a resource type: the plan's change, the resource as the config wants it (with
/// `${outputs...}` resolved), and what refresh found.
public struct ChangeRequest: Sendable {
    public var change: ResourceChange
    public var resource: ResourceSpec
    public var observation: Observation

    public init(change: ResourceChange, resource: ResourceSpec, observation: Observation) {
        self.change = change
        self.resource = resource
        self.observation = observation
    }

    public var address: Address { change.address }
    public var operation: ResourceOperation { change.operation }

    /// The parameter the user set, else the schema's default.
    public func value(_ name: String, schema: TypeSchema) -> Value? {
        resource.parameters[name] ?? schema.parameter(name)?.defaultValue
    }
}

/// What a successful change hands back.
public struct ChangeResult: Sendable, Hashable {
    /// Facts other resources may read as `${outputs.ADDRESS.KEY}` (a version, a fingerprint, a commit).
    public var outputs: [String: Value]
    /// An updated configuration to persist for the resource (a resolved `latest`, a rotated token); tend
    /// validates it against the type's schema and merges it into the stored parameters.
    public var updatedParameters: [String: Value]?
    /// The footprint of what the change left (see `PathFootprint`), recorded so that a later destructive step
    /// can tell tend's own work from a user's edit; nil for types that leave nothing a user could edit.
    public var written: String?

    public init(outputs: [String: Value] = [:], updatedParameters: [String: Value]? = nil, written: String? = nil) {
        self.outputs = outputs
        self.updatedParameters = updatedParameters
        self.written = written
    }
}

/// Why a change failed, and whether trying again may help (a held dpkg lock, a network time-out) or not
/// (no such package, permission denied).
public struct ApplyFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var retryable: Bool

    public init(_ message: String, retryable: Bool = false) {
        self.message = message
        self.retryable = retryable
    }

    public var description: String { message }

    /// A failure from a thrown error: command failures keep their text, time-outs are retryable.
    public init(error: any Error) {
        if let failure = error as? ApplyFailure {
            self = failure
            return
        }
        if let commandError = error as? CommandError, case .timedOut = commandError {
            self.init("\(error)", retryable: true)
            return
        }
        self.init("\(error)", retryable: false)
    }
}

/// The outcome per address of one `apply` call.
public typealias ChangeOutcomes = [Address: Result<ChangeResult, ApplyFailure>]

/// What a type may use while applying: the machine (whose runner records every command for the report),
/// the backup keeper, and a log line sink for `-v`.
public struct ApplyContext: Sendable {
    public var host: Machine
    public var backups: (any BackupKeeper)?
    public var log: @Sendable (String) -> Void

    public init(host: Machine, backups: (any BackupKeeper)?, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.host = host
        self.backups = backups
        self.log = log
    }
}

/// Rule 1 for every destructive step (DESIGN "Never lose a byte"): what is at a path is compared with what tend
/// last left there before tend overwrites, deletes or puts back anything, and whatever is not tend's own work
/// is kept first.
public protocol BackupKeeper: Sendable {
    /// Call before overwriting or deleting `path` for `address`. Keeps what is there (file bytes, directory
    /// mode, or link target) unless it is exactly what tend last wrote: the first time as the original, after
    /// that as an edit made outside tend. Does nothing when nothing is there; never keeps the same bytes twice.
    func keep(path: String, for address: Address) throws
    /// Keeps what is at `path` whatever it is (an ssh key tend deletes on request).
    func keepAlways(path: String, for address: Address, reason: Backup.Reason) throws
    /// Keeps a setting's value that is not a file of its own (a git config value); `label` names it.
    func keepValue(_ value: String, label: String, for address: Address, reason: Backup.Reason) throws
    /// A footprint in the form the state stores and `lastWrite` returns (`PathFootprint.stored`).
    func stored(_ footprint: String?) -> String?
    /// What tend last left at `address` (a stored footprint, see `PathFootprint`) and the run that left it.
    func lastWrite(_ address: Address) throws -> (digest: String, run: Int64?)?
    /// The originals kept for `address`, oldest first.
    func originals(_ address: Address) throws -> [Backup]
    /// A kept backup's bytes, checked against its digest.
    func contents(of backup: Backup) throws -> [UInt8]
    /// Forgets a backup that was put back.
    func discard(_ backup: Backup) throws
    /// Puts back, byte for byte, the originals of `address` whose path still holds exactly what tend last
    /// wrote, and forgets them; leaves the others (the user's now) in place and their originals kept. True when
    /// one was put back.
    func restore(_ address: Address) throws -> Bool
}

extension ApplyingResourceType {
    /// Applies requests one at a time, each outcome from `body`'s result or the error it threw: for types that
    /// gain nothing from batching.
    public func applyEach(_ requests: [ChangeRequest], _ body: (ChangeRequest) throws -> ChangeResult) -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            do {
                outcomes[request.address] = .success(try body(request))
            } catch {
                outcomes[request.address] = .failure(ApplyFailure(error: error))
            }
        }
        return outcomes
    }
}
