import TendCore

/// Applying `group-membership`: `gpasswd -a USER -- GROUP` to add, `gpasswd -d USER -- GROUP` to remove, as root
/// (tend uses `sudo -n` otherwise). A membership is no file or value a user edits, so nothing is kept: rule 1 is
/// the adopt-or-create record (a membership tend did not add is released, never removed).
extension GroupMembershipResource {
    public var lockGroup: String? { "accounts" }

    public func needsPrivilege(_ request: ChangeRequest, host: Machine) -> Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            let (user, group, problem) = Self.parse(Self.membership(of: request.resource))
            let removing = request.operation == .destroy
            do {
                if let problem { throw ApplyFailure(problem) }
                guard request.operation != .release else {
                    outcomes[request.address] = .success(ChangeResult())
                    continue
                }
                let members = AccountDatabase.members(group: try AccountDatabase.read(groupPath))
                guard let listed = members[group] else {
                    throw ApplyFailure("there is no group \(group) in \(groupPath) (make it first, e.g. with groupadd)")
                }
                // Idempotent: gpasswd fails on a member it cannot add twice or remove when absent.
                if listed.contains(user) == removing {
                    let argv = ArgumentSafety.operands([group], after: ["gpasswd", removing ? "-d" : "-a", user])
                    try await context.host.runner.run(Command(argv, timeout: 60, privileged: true)).check()
                }
                outcomes[request.address] = .success(ChangeResult())
            } catch {
                outcomes[request.address] = .failure(AccountLock.failure(
                    error, "could not \(removing ? "remove \(user) from" : "add \(user) to") group \(group)"))
            }
        }
        return outcomes
    }
}
