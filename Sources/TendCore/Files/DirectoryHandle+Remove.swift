import Foundation

extension DirectoryHandle {
    /// How deep `removeTree` goes: each level holds one descriptor open, and no clone tend removes is deeper.
    public static let removalDepthLimit = 128

    /// Deletes the entry `name` and, when it is a directory, everything in it, the way `rm -rf` should as root in
    /// a directory another user can change: every subdirectory is opened under its parent's handle with
    /// `O_NOFOLLOW | O_DIRECTORY`, entries are unlinked by name under the handle of the directory that holds
    /// them, a symlink is removed and never followed (also one swapped in for a directory while tend works), and
    /// no other file system is entered. Nothing there is not an error. Fails, leaving the rest, past
    /// `removalDepthLimit` levels or when an entry keeps changing under it.
    public func removeTree(_ name: String) throws {
        guard let device = deviceID() else {
            throw FileAccessError.system(operation: "inspect", path: path, errno: errno)
        }
        try removeEntry(name, depth: 0, device: device)
    }

    /// Renames the entry `name` to `newName` in this directory, replacing what is there (a directory only by an
    /// empty one, as rename(2) does).
    public func rename(_ name: String, to newName: String) throws {
        guard renameat(descriptor, name, descriptor, newName) == 0 else {
            throw FileAccessError.system(operation: "rename", path: pathOf(name), errno: errno)
        }
        sync()
    }

    private func deviceID() -> dev_t? {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? info.st_dev : nil
    }

    private func removeEntry(_ name: String, depth: Int, device: dev_t) throws {
        // An entry that turns from a directory into something else between a look and the open is looked at
        // again; a few rounds are plenty for anything but a user racing on purpose, who then gets an error.
        for _ in 0..<8 {
            var info = stat()
            guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { return }
                throw FileAccessError.system(operation: "inspect", path: pathOf(name), errno: errno)
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                if unlinkat(descriptor, name, 0) == 0 || errno == ENOENT { return }
                // EISDIR (EPERM on some systems): a directory took its place; look again.
                if errno == EISDIR || errno == EPERM { continue }
                throw FileAccessError.system(operation: "delete", path: pathOf(name), errno: errno)
            }
            guard info.st_dev == device else {
                throw FileAccessError.removalStopped(path: pathOf(name), reason: "another file system is mounted there")
            }
            guard depth < Self.removalDepthLimit else {
                throw FileAccessError.removalStopped(path: pathOf(name),
                                                     reason: "it is more than \(Self.removalDepthLimit) directories deep")
            }
            let fd = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else {
                // ELOOP or ENOTDIR: it is no longer a directory (a symlink was swapped in); look again.
                if errno == ELOOP || errno == ENOTDIR || errno == ENOENT { continue }
                throw FileAccessError.system(operation: "open the directory", path: pathOf(name), errno: errno)
            }
            let child = DirectoryHandle(descriptor: fd, path: pathOf(name))
            // What was opened must be what was looked at: a directory renamed in between is not ours to empty.
            var opened = stat()
            guard fstat(fd, &opened) == 0, opened.st_dev == info.st_dev, opened.st_ino == info.st_ino else { continue }
            try child.removeContents(depth: depth + 1, device: device)
            if unlinkat(descriptor, name, AT_REMOVEDIR) == 0 || errno == ENOENT { return }
            // Something was added meanwhile (ENOTEMPTY), or a link replaced the emptied directory (ENOTDIR).
            if errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR { continue }
            throw FileAccessError.system(operation: "remove the directory", path: pathOf(name), errno: errno)
        }
        throw FileAccessError.removalStopped(path: pathOf(name), reason: "it kept changing while tend removed it")
    }

    private func removeContents(depth: Int, device: dev_t) throws {
        guard let names = entryNames() else {
            throw FileAccessError.system(operation: "list", path: path, errno: errno)
        }
        for name in names {
            try removeEntry(name, depth: depth, device: device)
        }
    }
}
