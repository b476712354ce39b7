import Foundation

/// OpenSSH's StrictModes rule, applied to symlinks on the way to a path: a link is followed only when no user
/// other than root or the one running tend (the effective uid) could have made it or swapped it.
///
/// The link must be owned by root or the acting user, and so must every directory walked through to reach it,
/// none of them writable by group or others. A sticky directory (`/tmp`) owned by root or the acting user counts
/// as safe even when world-writable: the sticky bit stops others from renaming or deleting entries they do not
/// own, and the link itself must be ours. As root inside `/home/alice`, alice's links are therefore never
/// followed (she could point them at `/etc`), while root's `/home -> /var/home` and a user's own stow links,
/// when tend runs as that user, are.
///
/// `also` names one more user to trust, as StrictModes trusts the user logging in: root editing alice's own
/// startup file for alice may follow alice's link to her dotfiles, since the file it reaches is hers anyway.
enum LinkTrust {
    /// True when the owner of a link or directory is root, the acting user, or `also`.
    static func trusts(owner uid: uid_t, also: uid_t? = nil) -> Bool {
        uid == 0 || uid == geteuid() || uid == also
    }

    /// True when a directory cannot be changed by anyone tend does not trust.
    static func trusts(directory info: stat, also: uid_t? = nil) -> Bool {
        guard trusts(owner: info.st_uid, also: also) else { return false }
        let writableByOthers = info.st_mode & mode_t(0o022) != 0
        return !writableByOthers || info.st_mode & mode_t(S_ISVTX) != 0
    }

    /// Why a link is not trusted, for the error; nil when it is.
    static func distrust(link info: stat, chainTrusted: Bool, untrustedDirectory: String?, also: uid_t? = nil) -> String? {
        if !trusts(owner: info.st_uid, also: also) {
            return "it is owned by \(userName(info.st_uid)), not by \(trustedUsers(also: also))"
        }
        if !chainTrusted {
            let directory = untrustedDirectory ?? "a directory on the way"
            return "\(directory) can be changed by a user other than \(trustedUsers(also: also))"
        }
        return nil
    }

    /// "root", or "root or alice" when tend runs as alice (or acts for her).
    static var trustedUsers: String { trustedUsers(also: nil) }

    static func trustedUsers(also: uid_t?) -> String {
        let names = [0, geteuid(), also ?? 0].reduce(into: [uid_t]()) { if !$0.contains($1) { $0.append($1) } }
        return names.map(userName).joined(separator: " or ")
    }

    static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }
}
