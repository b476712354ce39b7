import Foundation

extension DirectoryHandle {
    /// Where the entry at the absolute `path` really is: the directory that holds it and its name, with a symlink
    /// at the last component (and any it leads to) followed under `LinkTrust`'s rule, as the directories on the way
    /// are. `alsoTrusting` is one more user whose links may be followed (the user tend acts for, as OpenSSH trusts
    /// the user logging in). The entry itself need not exist; the directory that would hold it must.
    public static func resolve(_ path: String, alsoTrusting also: UInt32? = nil) throws -> (directory: DirectoryHandle, name: String) {
        var current = path
        for _ in 0...40 {
            guard let slash = current.lastIndex(of: "/") else {
                throw FileAccessError.system(operation: "use", path: path, errno: EINVAL)
            }
            let name = String(current[current.index(after: slash)...])
            let parent = slash == current.startIndex ? "/" : String(current[..<slash])
            // A path (or a link's target) ending in `/`, `.` or `..` names a directory, never a file's entry.
            guard !name.isEmpty, name != ".", name != ".." else {
                throw FileAccessError.system(operation: "resolve", path: PathNormalizer.standardize(current), errno: EISDIR)
            }
            let walk = try walk(parent, creatingMode: nil, inheritingOwner: true, also: also)
            let directory = walk.handle
            var info = stat()
            guard fstatat(directory.descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK else {
                return (directory, name)
            }
            let linkPath = directory.pathOf(name)
            guard let target = directory.readLink(name) else {
                throw FileAccessError.system(operation: "read the link", path: linkPath, errno: errno)
            }
            if let reason = LinkTrust.distrust(link: info, chainTrusted: walk.trusted,
                                               untrustedDirectory: walk.untrustedDirectory, also: also) {
                throw FileAccessError.untrustedLink(link: linkPath, target: target, reason: reason)
            }
            // Not standardised: `..` in a target is walked as the kernel walks it, through the real directories.
            current = target.hasPrefix("/") ? target : parent + "/" + target
        }
        throw FileAccessError.tooManyLinks(path: PathNormalizer.standardize(path))
    }
}
