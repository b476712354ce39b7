import TendCore

/// The local account files (`/etc/passwd`, `/etc/group`), read in process: one bounded read serves every
/// login-shell or group-membership resource of a run, with no `getent` spawned. Accounts from NSS sources other
/// than files (LDAP, sssd) are not seen, which is also what `chsh` and `gpasswd` change.
struct AccountDatabase: Sendable {
    /// Login shells by user name, from the passwd file; the first line for a name wins, as in getpwnam.
    var shells: [String: String] = [:]
    /// Members listed for each group in the group file (the supplementary members; a user whose primary group it
    /// is but who is not listed is not counted, as `gpasswd -d` would not remove them).
    var members: [String: [String]] = [:]

    /// The largest account file tend reads: far beyond any real one, small enough to bound memory.
    static let limit = 16 << 20

    /// Parses a passwd file (`name:password:uid:gid:gecos:home:shell`).
    static func shells(passwd bytes: [UInt8]) -> [String: String] {
        var shells: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 7, !fields[0].isEmpty, !fields[0].hasPrefix("+"), !fields[0].hasPrefix("-") else { continue }
            let name = String(fields[0])
            if shells[name] == nil { shells[name] = String(fields[6]) }
        }
        return shells
    }

    /// Parses a group file (`name:password:gid:member,member`).
    static func members(group bytes: [UInt8]) -> [String: [String]] {
        var members: [String: [String]] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, !fields[0].isEmpty, !fields[0].hasPrefix("+"), !fields[0].hasPrefix("-") else { continue }
            let name = String(fields[0])
            if members[name] == nil {
                members[name] = fields[3].split(separator: ",").map { String($0).trimmingSpaces }
            }
        }
        return members
    }

    /// The file's bytes, or an error that names it and says why tend cannot read it.
    static func read(_ path: String) throws -> [UInt8] {
        do {
            return try RegularFileReader.read(path, limit: limit)
        } catch {
            throw SystemSettingError.unreadable(path: path, reason: "\(error)")
        }
    }

    /// True when `name` is a user or group name `useradd`/`groupadd` would take and no tool reads as an option.
    static func isAccountName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 32, first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "-" || scalar == "." || scalar == "$"
        } && !name.hasPrefix(".") && Int(name) == nil
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
