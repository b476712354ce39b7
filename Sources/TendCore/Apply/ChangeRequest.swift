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

    public init(outputs: [String: Value] = [:], updatedParameters: [String: Value]? = nil) {
        self.outputs = outputs
        self.updatedParameters = updatedParameters
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

/// Keeps what was at a path before tend overwrites or deletes it, and puts it back.
public protocol BackupKeeper: Sendable {
    /// Saves what is at `path` (file bytes, directory mode, or link target) for `address`, unless tend created
    /// it or already keeps a backup of it. Does nothing when nothing is there.
    func keep(path: String, for address: Address) throws
    /// Restores the backups of `address`, byte for byte, and forgets them; false when there were none.
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
