import TendCore

/// Applying `dconf`: `dconf write PATH VALUE` and `dconf reset PATH` (dconf has no `--`; the path starts with `/`
/// and the value is the last argument). Writes go through the dconf service on the session bus. Rule 1 as for
/// gsettings: a value there before tend is kept before tend overwrites or resets it, and a release writes it back
/// only while the key still holds what tend wrote.
extension DconfResource {
    public var lockGroup: String? { "dconf" }

    public var putsBackItself: Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        await applyOneByOne(requests, failure: { request, error in
            let failure = ApplyFailure(error: error)
            return ApplyFailure(
                "could not \(request.operation == .destroy ? "reset" : "write") dconf \(Self.path(of: request.resource)): "
                    + failure.message + Self.busHint(context.host), retryable: failure.retryable)
        }) { try await apply($0, context: context) }
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async throws -> ChangeResult {
        let path = Self.path(of: request.resource)
        if let problem = Self.pathProblem(path) { throw ApplyFailure(problem) }
        let host = context.host
        let current = try await read(path, host: host)
        switch request.operation {
        case .create, .modify, .recreate:
            guard let value = request.value("value", schema: schema)?.text else { throw ApplyFailure("no value given") }
            if let problem = GVariantText.problem(value) { throw ApplyFailure(problem) }
            try SettingOriginals.keep(current, label: "dconf \(path)", for: request.address, context: context)
            try await host.runner.run(Command(["dconf", "write", path, value], timeout: 60)).check()
            let now = try await read(path, host: host)
            listing.record(now, for: path)
            return ChangeResult(written: PathFootprint.value(now))
        case .destroy:
            try SettingOriginals.keep(current, label: "dconf \(path)", for: request.address, context: context)
            try await host.runner.run(Command(["dconf", "reset", path], timeout: 60)).check()
            listing.record(nil, for: path)
            return ChangeResult()
        case .release:
            guard let (original, backup) = try SettingOriginals.originalToPutBack(
                current: current, address: request.address, context: context) else {
                context.log("\(request.address): left as it is (no original to put back, or it changed since tend set it)")
                return ChangeResult()
            }
            try await host.runner.run(Command(["dconf", "write", path, original], timeout: 60)).check()
            try context.backups?.discard(backup)
            context.log("\(request.address): put back the original value \(original)")
            return ChangeResult()
        }
    }

    /// The key's value as dconf prints it; nil when it is not set (dconf prints nothing).
    private func read(_ path: String, host: Machine) async throws -> String? {
        let text = GVariantText.trimmed(try await host.runner.run(Command(["dconf", "read", path], timeout: 60)).check().output)
        return text.isEmpty ? nil : text
    }
}
