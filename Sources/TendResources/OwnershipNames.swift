import TendCore

/// User and group names by id, looked up once per refresh: each `getpwuid` may read /etc/passwd again, and a
/// thousand files usually share one owner.
struct OwnershipNames {
    private var users: [UInt32: String] = [:]
    private var groups: [UInt32: String] = [:]

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
