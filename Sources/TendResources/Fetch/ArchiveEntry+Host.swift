import Foundation
import TendCore

/// Telling an extracted entry still as tend left it from one a user changed, without reading every file on a
/// no-op plan: a file whose size and modification time are what tend recorded is taken as unchanged; any other is
/// read and hashed.
extension ArchiveEntry {
    /// A file's modification time as the manifest records it ("seconds.nanoseconds").
    static func modified(_ info: stat) -> String {
        "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    /// True when what is at `root/path` is exactly what tend extracted, false when it was changed or replaced,
    /// nil when nothing is there.
    func isUnchanged(root: String, files: FileSystem) -> Bool? {
        let full = root + "/" + path
        var info = stat()
        guard lstat(full, &info) == 0 else { return nil }
        switch (kind, info.st_mode & S_IFMT) {
        case (.directory, S_IFDIR):
            return true
        case (.symlink, S_IFLNK):
            return files.readLink(full) == target
        case (.file, S_IFREG):
            if Int(info.st_size) == size, Self.modified(info) == modified { return true }
            guard Int(info.st_size) <= HTTPFetch.limit, let bytes = files.readEntry(full) else { return false }
            return SHA256.hex(HTTPFetch.digestBytes(bytes)) == sha256
        default:
            return false
        }
    }
}
