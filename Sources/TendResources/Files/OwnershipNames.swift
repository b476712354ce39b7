import TendCore

/// User and group names by id, looked up once per refresh: each `getpwuid` may read /etc/passwd again, and a
/// thousand files usually share one owner.
struct OwnershipNames {
    private var users: [UInt32: String] = [:]
    private var groups: [UInt32: String] = [:]

    /// Observes each resource in turn with one cache of user and group names, for the file and directory types.
    static func observeEach(_ resources: [ResourceSpec],
                            _ observe: (ResourceSpec, inout OwnershipNames) -> Observation) -> [Address: Observation] {
        var observations = [Address: Observation](minimumCapacity: resources.count)
        var names = OwnershipNames()
        for resource in resources {
            observations[resource.address] = observe(resource, &names)
        }
        return observations
    }

    /// `mode`, `owner` and `group` of `status`, as file and directory refresh report them.
    mutating func parameters(_ status: FileStatus, files: FileSystem) -> [String: Value] {
        if users[status.uid] == nil { users[status.uid] = files.userName(status.uid) }
        if groups[status.gid] == nil { groups[status.gid] = files.groupName(status.gid) }
        return [
            "mode": .string(FileMode(bits: status.mode).description),
            "owner": .string(users[status.uid]!),
            "group": .string(groups[status.gid]!),
        ]
    }
}
