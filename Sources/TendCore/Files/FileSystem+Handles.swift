import Foundation

extension FileSystem {
    /// The bytes of the regular file at `path` itself, read the way tend writes: the directories on the way
    /// opened by handle (a symlink there followed only when no other user could have made it) and the last
    /// component opened with `O_NOFOLLOW`. Nil when it is missing, unreadable, or not a regular file, so that a
    /// path swapped for a link to a root-only file after an `lstat` is never read in its place.
    public func readEntry(_ path: String) -> [UInt8]? {
        guard let (directory, name) = try? DirectoryHandle.openParent(of: path) else { return nil }
        return directory.read(name)
    }
}
