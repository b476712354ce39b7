import TendCore

/// Applying `systemd-user-unit`: `systemctl --user enable|disable -- UNIT`, then `start|stop -- UNIT`, only the
/// steps that differ. The state before tend's first change (`enabled=... active=...`) is kept as a `value`
/// backup; a release runs the steps back to it only while the unit is still exactly as tend left it.
extension SystemdUserUnitResource {
    /// The user manager takes one job at a time per unit; enabling also rewrites links in ~/.config/systemd/user.
    public var lockGroup: String? { "systemd-user" }

    public var putsBackItself: Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            let name = Self.name(of: request.resource)
            do {
                if let problem = Self.nameProblem(name) { throw ApplyFailure(problem) }
                outcomes[request.address] = .success(try await apply(request, name: name, context: context))
            } catch {
                let failure = ApplyFailure(error: error)
                outcomes[request.address] = .failure(ApplyFailure("could not change user unit \(name): \(failure.message)",
                                                                  retryable: failure.retryable))
            }
        }
        return outcomes
    }

    private func apply(_ request: ChangeRequest, name: String, context: ApplyContext) async throws -> ChangeResult {
        let host = context.host
        guard let current = try await Self.states(of: [name], host: host)[name], current.loadState != "not-found" else {
            throw ApplyFailure("there is no unit \(name) for the user manager")
        }
        switch request.operation {
        case .create, .modify, .recreate:
            let observed = Observation.present(observedParameters(current))
            try SettingOriginals.keep(current.text, label: "state of user unit \(name)", for: request.address, context: context)
            for step in Self.steps(for: request.resource, observation: observed) {
                try await systemctl(step, name, host: host)
            }
            let now = try await Self.states(of: [name], host: host)[name]
            listing.record(now?.text, for: name)
            return ChangeResult(written: PathFootprint.value(now?.text))
        case .destroy, .release:
            guard let (original, backup) = try SettingOriginals.originalToPutBack(
                current: current.text, address: request.address, context: context) else {
                context.log("\(request.address): left as it is (no state to put back, or it changed since tend set it)")
                return ChangeResult()
            }
            var wanted: [String: Value] = [:]
            for field in original.split(separator: " ") {
                let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2, let flag = Bool(pair[1]) { wanted[pair[0]] = .bool(flag) }
            }
            var back = request.resource
            back.parameters = wanted
            for step in Self.steps(for: back, observation: .present(observedParameters(current))) {
                try await systemctl(step, name, host: host)
            }
            try context.backups?.discard(backup)
            context.log("\(request.address): put back \(original)")
            return ChangeResult()
        }
    }

    private func observedParameters(_ state: UnitState) -> [String: Value] {
        var parameters: [String: Value] = ["active": .bool(state.isActive)]
        if let enabled = state.isEnabled { parameters["enabled"] = .bool(enabled) }
        return parameters
    }

    private func systemctl(_ verb: String, _ name: String, host: Machine) async throws {
        let argv = ArgumentSafety.operands([name], after: ["systemctl", "--user", verb])
        try await host.runner.run(Command(argv, timeout: 120)).check()
    }
}
