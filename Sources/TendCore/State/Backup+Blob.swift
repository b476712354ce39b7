import Foundation

extension Backup {
    /// Deletes the backup's blob, but only when it lies directly in `directory` (the store's backup directory):
    /// a record never makes tend delete a file elsewhere. The blob is unlinked under a handle on that directory,
    /// so a link put on the way is not followed. A blob already gone is not an error.
    func removeBlob(under directory: String) {
        guard let blobPath else { return }
        let blob = SQLiteStateStore.workingAbsolute(blobPath)
        let root = SQLiteStateStore.workingAbsolute(directory)
        guard PathNormalizer.directory(of: blob) == root,
              let handle = try? DirectoryHandle.open(root) else { return }
        try? handle.remove(PathNormalizer.lastComponent(blob))
    }
}
