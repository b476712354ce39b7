import TendCore

/// Applying `gsettings`: `gsettings set SCHEMA KEY VALUE` and `gsettings reset SCHEMA KEY` (gsettings has no `--`;
/// the schema and key are checked names and the value is the last argument, which gsettings never reads as an
/// option). Writes go through the dconf service on the session bus, so tend must run inside the user's session
/// (or under `dbus-run-session`). The value a key had before tend first set it is kept (a `value` backup, in
/// gsettings' own printed form) and a release sets it back only while the key still holds what tend set.
extension GsettingsResource {
    /// One dconf writer at a time keeps the order of a release and a set on one key.
    public var lockGroup: String? { "dconf" }

    public var putsBackItself: Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        await applyOneByOne(requests, failure: { request, error in
            let failure = ApplyFailure(error: error)
            return ApplyFailure(
                "could not \(request.operation == .destroy ? "reset" : "set") gsettings \(Self.key(of: request.resource)): "
                    + failure.message + DconfResource.busHint(context.host), retryable: failure.retryable)
        }) { try await apply($0, context: context) }
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async throws -> ChangeResult {
        let name = Self.key(of: request.resource)
        guard case .success(let (schema, key)) = Self.split(name) else { throw ApplyFailure("'\(name)' is not SCHEMA.KEY") }
        let host = context.host
        let current = try await get(schema, key, host: host)
        switch request.operation {
        case .create, .modify, .recreate:
            guard let value = request.value("value", schema: self.schema)?.text else { throw ApplyFailure("no value given") }
            if let problem = GVariantText.problem(value) { throw ApplyFailure(problem) }
            try SettingOriginals.keep(current, label: "gsettings \(name)", for: request.address, context: context)
            try await run(["gsettings", "set", schema, key, value], host: host)
            let now = try await get(schema, key, host: host)
            listing.record(now, for: name)
            return ChangeResult(written: PathFootprint.value(now))
        case .destroy:
            try SettingOriginals.keep(current, label: "gsettings \(name)", for: request.address, context: context)
            try await run(["gsettings", "reset", schema, key], host: host)
            listing.record(try await get(schema, key, host: host), for: name)
            return ChangeResult()
        case .release:
            guard let (original, backup) = try SettingOriginals.originalToPutBack(
                current: current, address: request.address, context: context) else {
                context.log("\(request.address): left as it is (no original to put back, or it changed since tend set it)")
                return ChangeResult()
            }
            try await run(["gsettings", "set", schema, key, original], host: host)
            try context.backups?.discard(backup)
            context.log("\(request.address): put back the original value \(original)")
            return ChangeResult()
        }
    }

    /// The key's value as gsettings prints it.
    private func get(_ schema: String, _ key: String, host: Machine) async throws -> String {
        GVariantText.trimmed(try await host.runner.run(Command(["gsettings", "get", schema, key], timeout: 60)).check().output)
    }

    private func run(_ argv: [String], host: Machine) async throws {
        try await host.runner.run(Command(argv, timeout: 60)).check()
    }
}
