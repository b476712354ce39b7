import Foundation

/// The executor's journal over the state store: a transaction per change, opened before the host is touched
/// and closed with the change's report, its merged outputs and the resource's new record.
public final class StateJournal: ApplyJournal, @unchecked Sendable {
    public let store: any StateStore
    public let runID: Int64
    private let configPath: String
    private let registry: TypeRegistry
    /// Keys the digests of sensitive values the state keeps (the state's own key).
    private let secrets: SecretDigest

    public init(store: any StateStore, runID: Int64, configPath: String, registry: TypeRegistry,
                secrets: SecretDigest = .ephemeral) {
        self.store = store
        self.runID = runID
        self.configPath = configPath
        self.registry = registry
        self.secrets = secrets
    }

    public func begin(_ request: ChangeRequest) throws -> String {
        let plan = Plan(configPath: configPath, configDigest: "", changes: [request.change], unchanged: [])
        let change = PlanJSONRenderer(purpose: .savedPlan).json(plan)["changes"]?.arrayValue?.first ?? .null
        return try store.beginTransaction(runID: runID, address: request.address, type: request.change.type,
                                          operation: request.operation, change: change.compact).token
    }

    public func succeeded(token: String, request: ChangeRequest, result: ChangeResult, report: OperationReport) throws {
        let existing = try store.managedResource(request.address)
        if request.operation == .destroy || request.operation == .release {
            try store.completeTransaction(token: token, report: report, managed: nil, removeManaged: true)
            return
        }
        var parameters = Self.storable(request.resource.parameters, sensitive: request.resource.sensitive, secrets: secrets)
        if let updated = result.updatedParameters {
            parameters.merge(Self.storable(updated, sensitive: request.resource.sensitive, secrets: secrets)) { _, new in new }
        }
        var outputs = existing?.outputs ?? [:]
        outputs.merge(result.outputs) { _, new in new }
        var paths = existing?.configPaths ?? []
        if !paths.contains(configPath) { paths.append(configPath) }
        let createdByTend = existing?.createdByTend ?? (request.operation == .create && !request.observation.exists)
        // What the change left, for rule 1; a change that reports none keeps the footprint of the last one.
        let written = PathFootprint.stored(result.written, secrets: secrets) ?? existing?.written
        let writtenRun = result.written != nil ? runID : existing?.writtenRun
        let managed = ManagedResource(address: request.address, type: request.change.type, parameters: parameters,
                                      outputs: outputs, createdByTend: createdByTend, configPaths: paths,
                                      written: written, writtenRun: writtenRun, keep: request.resource.keep,
                                      dependsOn: Set(request.resource.dependsOn + request.change.dependsOn).sorted())
        try store.completeTransaction(token: token, report: report, managed: managed, removeManaged: false)
    }

    public func failed(token: String, request: ChangeRequest, report: OperationReport) throws {
        try store.failTransaction(token: token, report: report)
    }

    public func skipped(_ change: ResourceChange, report: OperationReport) throws {
        try store.recordReport(report)
    }

    /// Parameters as the state keeps them: sensitive values as keyed digests only, never a bare SHA-256 that a
    /// guess of a weak secret could be checked against.
    static func storable(_ parameters: [String: Value], sensitive: Set<String>, secrets: SecretDigest) -> [String: Value] {
        var result = parameters
        for name in sensitive {
            if let value = result[name] { result[name] = .string(secrets.digest(value.text)) }
        }
        return result
    }
}
