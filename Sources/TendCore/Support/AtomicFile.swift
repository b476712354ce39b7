import Foundation

/// Writes files so that a reader (or a crash) sees the old bytes or the new ones, never a mix: the directory is
/// opened by handle (`DirectoryHandle`, following only symlinks no other user could have made), the bytes go to
/// a temporary file in it, get their owner and mode on the descriptor, are flushed, and are renamed over the target.
public enum AtomicFile {
    /// Replaces `path` with `bytes`; the new file gets `owner` (when given), then `mode`.
    public static func write(_ bytes: [UInt8], to path: String, mode: Int = 0o644, owner: FileOwner? = nil) throws {
        // A relative path (a saved plan's `--out plan.json`) is the working directory's.
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let (directory, name) = try DirectoryHandle.openParent(of: absolute)
        try directory.write(bytes, to: name, mode: mode, owner: owner)
    }
}
