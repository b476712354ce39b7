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
enum LinkTrust {
    /// True when the owner of a link or directory is root or the acting user.
    static func trusts(owner uid: uid_t) -> Bool {
        uid == 0 || uid == geteuid()
    }

    /// True when a directory cannot be changed by anyone tend does not trust.
    static func trusts(directory info: stat) -> Bool {
        guard trusts(owner: info.st_uid) else { return false }
        let writableByOthers = info.st_mode & mode_t(0o022) != 0
        return !writableByOthers || info.st_mode & mode_t(S_ISVTX) != 0
    }

    /// Why a link is not trusted, for the error; nil when it is.
    static func distrust(link info: stat, chainTrusted: Bool, untrustedDirectory: String?) -> String? {
        if !trusts(owner: info.st_uid) {
            return "it is owned by \(userName(info.st_uid)), not by \(trustedUsers)"
        }
        if !chainTrusted {
            let directory = untrustedDirectory ?? "a directory on the way"
            return "\(directory) can be changed by a user other than \(trustedUsers)"
        }
        return nil
    }

    /// "root", or "root or alice" when tend runs as alice.
    static var trustedUsers: String {
        geteuid() == 0 ? "root" : "root or \(userName(geteuid()))"
    }

    static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }
}
