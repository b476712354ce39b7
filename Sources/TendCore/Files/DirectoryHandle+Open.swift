import Foundation

extension DirectoryHandle {
    /// Opens the directory at the absolute `path`, walking from `/` one component at a time with `O_NOFOLLOW`.
    /// A symlink on the way is followed only under `LinkTrust`'s rule; otherwise the walk fails with an error
    /// that names the link and its target. With `creatingMode`, missing directories are made with exactly that
    /// mode (the umask does not narrow it); as root each new one gets the owner of the directory it is made in.
    /// With `inheritingOwner` false, new directories stay the effective user's (tend's own private directories).
    public static func open(_ path: String, creatingMode: Int? = nil, inheritingOwner: Bool = true) throws -> DirectoryHandle {
        try walk(path, creatingMode: creatingMode, inheritingOwner: inheritingOwner, also: nil).handle
    }

    /// The walk behind `open`; also says whether a user other than root, the acting user and `also` could change
    /// a directory it went through (after the last absolute link), for a caller that follows one more link.
    static func walk(_ path: String, creatingMode: Int?, inheritingOwner: Bool,
                     also: uid_t?) throws -> (handle: DirectoryHandle, untrustedDirectory: String?, trusted: Bool) {
        guard path.hasPrefix("/") else {
            throw FileAccessError.system(operation: "open", path: path, errno: EINVAL)
        }
        var walk = try Walk(also: also)
        var pending = Array(path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed())
        var appeared = 0
        while let name = pending.popLast() {
            if name == "." { continue }
            if name == ".." {
                try walk.enter(walk.current.directory(".."), path: PathNormalizer.directory(of: walk.current.path))
                continue
            }
            let childPath = walk.current.pathOf(name)
            var info = stat()
            guard fstatat(walk.current.descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                let code = errno
                guard code == ENOENT, let creatingMode else {
                    throw FileAccessError.system(operation: "open", path: childPath, errno: code)
                }
                if let made = try walk.current.makeDirectoryIfMissing(name, mode: creatingMode, inheritingOwner: inheritingOwner) {
                    try walk.enter(made, path: childPath)
                } else {
                    // Another process made it meanwhile: look again, as at any existing entry.
                    appeared += 1
                    guard appeared < 8 else { throw FileAccessError.system(operation: "create", path: childPath, errno: EEXIST) }
                    pending.append(name)
                }
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try walk.enter(walk.current.directory(name), path: childPath)
            case S_IFLNK:
                let target = try walk.follow(name, info: info, linkPath: childPath)
                pending.append(contentsOf: target.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed())
            default:
                throw FileAccessError.notADirectory(path: childPath, kind: FileStatus(info).kind)
            }
        }
        return (DirectoryHandle(descriptor: dup(walk.current.descriptor), path: PathNormalizer.standardize(path)),
                walk.untrustedDirectory, walk.chainTrusted)
    }

    /// The directory that holds `path` (opened as `open` does) and the last component's name.
    public static func openParent(of path: String, creatingMode: Int? = nil) throws -> (directory: DirectoryHandle, name: String) {
        let standard = PathNormalizer.standardize(path)
        let name = PathNormalizer.lastComponent(standard)
        guard standard != "/", !name.isEmpty, name != "..", name != "." else {
            throw FileAccessError.system(operation: "use", path: path, errno: EINVAL)
        }
        return (try open(PathNormalizer.directory(of: standard), creatingMode: creatingMode), name)
    }

    /// Makes the directory `name` with `mode`, owned as root by this directory's owner; nil when something is
    /// already there (the caller looks at it as at any existing entry).
    func makeDirectoryIfMissing(_ name: String, mode: Int, inheritingOwner: Bool = true) throws -> DirectoryHandle? {
        guard mkdirat(descriptor, name, 0o700) == 0 else {
            if errno == EEXIST { return nil }
            throw FileAccessError.system(operation: "create the directory", path: pathOf(name), errno: errno)
        }
        let made = try directory(name)
        try made.setAttributes(mode: mode, owner: geteuid() == 0 && inheritingOwner ? owner : nil)
        return made
    }

    /// Where a walk is and whether every directory it went through is safe from other users.
    private struct Walk {
        var current: DirectoryHandle
        var chainTrusted: Bool
        var untrustedDirectory: String?
        var links = 0
        /// A user trusted besides root and the acting user (see `LinkTrust`).
        let also: uid_t?

        init(also: uid_t?) throws {
            self.also = also
            let fd = Foundation.open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw FileAccessError.system(operation: "open", path: "/", errno: errno) }
            current = DirectoryHandle(descriptor: fd, path: "/")
            chainTrusted = true
            note(current)
        }

        mutating func enter(_ directory: DirectoryHandle, path: String) throws {
            current = DirectoryHandle(descriptor: dup(directory.descriptor), path: path)
            note(current)
        }

        private mutating func note(_ directory: DirectoryHandle) {
            var info = stat()
            let trusted = fstat(directory.descriptor, &info) == 0 && LinkTrust.trusts(directory: info, also: also)
            if !trusted && chainTrusted {
                chainTrusted = false
                untrustedDirectory = directory.path
            }
        }

        /// The link's target when tend may follow it; an absolute target restarts the walk at `/`.
        mutating func follow(_ name: String, info: stat, linkPath: String) throws -> String {
            links += 1
            guard links <= 40 else { throw FileAccessError.tooManyLinks(path: linkPath) }
            guard let target = current.readLink(name) else {
                throw FileAccessError.system(operation: "read the link", path: linkPath, errno: errno)
            }
            if let reason = LinkTrust.distrust(link: info, chainTrusted: chainTrusted, untrustedDirectory: untrustedDirectory,
                                                 also: also) {
                throw FileAccessError.untrustedLink(link: linkPath, target: target, reason: reason)
            }
            if target.hasPrefix("/") {
                let fd = Foundation.open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard fd >= 0 else { throw FileAccessError.system(operation: "open", path: "/", errno: errno) }
                // The directories that led to this link are not on the way to its target.
                chainTrusted = true
                untrustedDirectory = nil
                current = DirectoryHandle(descriptor: fd, path: "/")
                note(current)
            }
            return target
        }
    }
}
