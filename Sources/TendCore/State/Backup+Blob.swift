import Foundation

extension Backup {
    /// Deletes the backup's blob, but only when it lies inside `directory` (the store's backup directory): a
    /// record never makes tend delete a file elsewhere. A blob already gone is not an error.
    func removeBlob(under directory: String) {
        guard let blobPath else { return }
        let blob = URL(fileURLWithPath: blobPath).standardizedFileURL.path
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard blob.hasPrefix(root + "/") else { return }
        unlink(blob)
    }
}
