/// One thing tend extracted from an archive, as its manifest records it: a path relative to the resource's
/// directory (after `stripComponents`), its kind, and what tells tend's own copy from a user's edit.
struct ArchiveEntry: Sendable, Hashable {
    enum Kind: String, Sendable { case file, directory, symlink }

    /// Components joined with `/`, never absolute and never with `..`.
    var path: String
    var kind: Kind
    var mode: Int
    /// For files: the digest of the bytes tend wrote (lowercase hex), the size and modification time it left.
    var sha256: String?
    var size: Int?
    var modified: String?
    /// For symlinks: the stored target, which stays inside the directory.
    var target: String?
}
