import TendCore

/// Applying `macos-defaults`: `defaults write DOMAIN KEY -TYPE VALUE` and `defaults delete DOMAIN KEY` (defaults
/// has no `--`: domain and key are checked not to start with `-`, and the value follows its type flag). The value
/// a key had before tend (as `TYPE TEXT`) is kept; a release writes it back only while the key still holds what
/// tend wrote, and only for the four types tend writes (an array or dictionary there is left as it is).
extension MacDefaultsResource {
    /// cfprefsd serialises writes per domain; one writer at a time keeps a release and a set in order.
    public var lockGroup: String? { "defaults" }

    public var putsBackItself: Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        await applyOneByOne(requests, failure: { request, error in
            let failure = ApplyFailure(error: error)
            return ApplyFailure("could not change defaults \(Self.key(of: request.resource)): \(failure.message)",
                                retryable: failure.retryable)
        }) { try await apply($0, context: context) }
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async throws -> ChangeResult {
        let name = Self.key(of: request.resource)
        guard case .success(let (domain, key)) = Self.split(name) else { throw ApplyFailure("'\(name)' is not DOMAIN:KEY") }
        let host = context.host
        let current = try await read(domain, key, host: host)
        switch request.operation {
        case .create, .modify, .recreate:
            let type = Self.valueType(of: request.resource)
            guard let value = request.resource.parameters["value"]?.text else { throw ApplyFailure("no value given") }
            if let problem = Self.valueProblem(value, type: type) { throw ApplyFailure(problem) }
            try SettingOriginals.keep(current, label: "defaults \(name)", for: request.address, context: context)
            try await write(domain, key, type: type, value: value, host: host)
            let now = try await read(domain, key, host: host)
            listing.record(now, for: name)
            return ChangeResult(written: PathFootprint.value(now))
        case .destroy:
            try SettingOriginals.keep(current, label: "defaults \(name)", for: request.address, context: context)
            if current != nil { try await host.runner.run(Command(["defaults", "delete", domain, key], timeout: 60)).check() }
            listing.record(nil, for: name)
            return ChangeResult()
        case .release:
            guard let (original, backup) = try SettingOriginals.originalToPutBack(
                current: current, address: request.address, context: context) else {
                context.log("\(request.address): left as it is (no original to put back, or it changed since tend wrote it)")
                return ChangeResult()
            }
            let parts = original.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, Self.types.contains(parts[0]) else {
                context.log("\(request.address): the original (\(parts[0])) is not a type tend writes; it stays in backups")
                return ChangeResult()
            }
            try await write(domain, key, type: parts[0], value: parts[1], host: host)
            try context.backups?.discard(backup)
            context.log("\(request.address): put back the original value")
            return ChangeResult()
        }
    }

    /// The key's value as `TYPE TEXT`, from one export of its domain; nil when it is not set.
    private func read(_ domain: String, _ key: String, host: Machine) async throws -> String? {
        let result = try await host.runner.run(Command(["defaults", "export", domain, "-"], timeout: 60)).check()
        return try Self.parse(export: result.standardOutput, domain: domain)[key]
    }

    private func write(_ domain: String, _ key: String, type: String, value: String, host: Machine) async throws {
        try await host.runner.run(Command(["defaults", "write", domain, key, "-" + type, value], timeout: 60)).check()
    }
}
