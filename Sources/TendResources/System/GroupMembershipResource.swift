import TendCore

/// `group-membership`: a local user listed as a member of a local group (Linux, `/etc/group`).
///
/// The address key is `USER:GROUP` (one parameter, `membership`), so that alice in docker and bob in docker are
/// two resources and a changed user or group is a new membership, the old one leaving the config. Refresh reads
/// the group file once, in process, for every resource. Apply runs `gpasswd -a USER -- GROUP` and
/// `gpasswd -d USER -- GROUP`. A membership that was already there when tend first saw it is adopted: leaving the
/// config releases it, and only one tend added is removed.
public struct GroupMembershipResource: ApplyingResourceType {
    /// The group file refresh reads; tests point it at a fixture.
    let groupPath: String

    public init() { self.init(groupPath: "/etc/group") }

    init(groupPath: String) { self.groupPath = groupPath }

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "group-membership", summary: "a local user as a member of a local group (gpasswd, Linux)",
        parameters: [
            ParameterSchema("membership", .string, key: true,
                            summary: "USER:GROUP, e.g. ${host.user}:docker; the group must exist", example: "${host.user}:docker"),
        ],
        example: """
        - type: group-membership
          membership: ${host.user}:docker
        """,
        valueCheck: { resource, _ in
            GroupMembershipResource.parse(GroupMembershipResource.membership(of: resource)).problem
                .map { [ValueProblem("membership", $0, hint: "write USER:GROUP as /etc/group names them, e.g. alice:docker")] } ?? []
        })

    static func membership(of resource: ResourceSpec) -> String {
        resource.parameters["membership"]?.stringValue ?? resource.address.key
    }

    /// The user and group of `USER:GROUP`, or why it is not one; `validate` and apply ask the same.
    static func parse(_ membership: String) -> (user: String, group: String, problem: String?) {
        let parts = membership.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            return ("", "", "membership '\(membership)' is not USER:GROUP")
        }
        for (noun, name) in [("user", parts[0]), ("group", parts[1])] where !AccountDatabase.isAccountName(name) {
            return (parts[0], parts[1], "membership '\(membership)' has '\(name)', which is not a \(noun) name")
        }
        return (parts[0], parts[1], nil)
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        let members = AccountDatabase.members(group: try AccountDatabase.read(groupPath))
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let (user, group, problem) = Self.parse(Self.membership(of: resource))
            if let problem {
                observations[resource.address] = .absent(problem)
            } else if let listed = members[group] {
                observations[resource.address] = listed.contains(user)
                    ? .present([:]) : .absent("\(user) is not listed in group \(group)")
            } else {
                observations[resource.address] = .absent("no group \(group) in \(groupPath)")
            }
        }
        return observations
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let (user, group, _) = Self.parse(Self.membership(of: resource))
        switch operation {
        case .create, .modify, .recreate:
            return "Add \(user) to group \(group) (gpasswd -a; takes effect at the user's next login)"
        case .destroy:
            return "Remove \(user) from group \(group) (gpasswd -d)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String {
        let (user, group, _) = Self.parse(Self.membership(of: resource))
        return "membership of \(user) in group \(group)"
    }
}
