import TendCore

/// Applying `login-shell`: `chsh -s SHELL -- USER`, as root (tend uses `sudo -n` otherwise: chsh asks a user for
/// their password). The shell the user had before tend first changed it is kept in backups (a `value` backup); a
/// release gives it back with chsh only while the user still has the shell tend set.
extension LoginShellResource {
    /// chsh, usermod and gpasswd lock the account files, and fail rather than wait when another holds them.
    public var lockGroup: String? { "accounts" }

    public var putsBackItself: Bool { true }

    public func needsPrivilege(_ request: ChangeRequest, host: Machine) -> Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        await applyOneByOne(requests, failure: { request, error in
            AccountLock.failure(error, "could not change the login shell of \(Self.user(of: request.resource))")
        }) { try await apply($0, context: context) }
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async throws -> ChangeResult {
        let user = Self.user(of: request.resource)
        guard AccountDatabase.isAccountName(user) else { throw ApplyFailure("'\(user)' is not a user name") }
        let current = try currentShell(of: user)
        switch request.operation {
        case .create, .modify, .recreate:
            guard let shell = request.value("shell", schema: schema)?.text else {
                throw ApplyFailure("no shell given")
            }
            if let problem = Self.shellProblem(shell, files: context.host.files) { throw ApplyFailure(problem) }
            guard current != nil else { throw ApplyFailure("there is no user \(user) in \(passwdPath) (add the user first)") }
            try SettingOriginals.keep(current, label: "login shell of \(user)", for: request.address, context: context)
            try await chsh(user, to: shell, host: context.host)
            return ChangeResult(written: PathFootprint.value(shell))
        case .destroy, .release:
            guard let (original, backup) = try SettingOriginals.originalToPutBack(
                current: current, address: request.address, context: context) else {
                context.log("\(request.address): left as it is (no original to put back, or the shell changed since tend set it)")
                return ChangeResult()
            }
            try await chsh(user, to: original, host: context.host)
            try context.backups?.discard(backup)
            context.log("\(request.address): put back the original login shell \(original)")
            return ChangeResult()
        }
    }

    private func chsh(_ user: String, to shell: String, host: Machine) async throws {
        let argv = ArgumentSafety.operands([user], after: ["chsh", "-s", shell])
        try await host.runner.run(Command(argv, timeout: 60, privileged: true)).check()
    }
}
