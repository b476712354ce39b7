import Foundation
import TendCore

/// The StrictModes rule (see TendCore's `LinkTrust`) for definition files: a definition tells tend what to run,
/// so it is read only from a folder, and through folders, that no user but root and the one running tend could
/// change, and only when the file itself is theirs and not writable by others.
enum FolderTrust {
    static func trusted(_ info: stat) -> Bool {
        info.st_uid == 0 || info.st_uid == geteuid()
    }

    /// Why `directory` (or a folder above it, on the written path or, through links, the real one) is not safe to
    /// take definitions from; nil when it is.
    static func distrust(_ directory: String) -> String? {
        switch TrustedPath.firstProblem(directory) {
        case .foreignOwner(let path, let uid, true)?: return "\(path) is a link owned by user \(uid)"
        case .foreignOwner(let path, let uid, false)?: return "\(path) belongs to user \(uid), not to you or root"
        case .writable(let path, _, _)?: return "\(path) is writable by other users"
        case nil: return nil
        }
    }

    /// The text of a definition file: a regular file of at most `limit` bytes, owned by root or the acting
    /// user and not writable by others (a link to it counts as the file it reaches, when the link is ours).
    static func readDefinition(_ path: String, limit: Int) throws -> String {
        var link = stat()
        if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK, !trusted(link) {
            throw DefinitionFileError("\(path) is a link owned by user \(link.st_uid); it is not followed")
        }
        let bytes = try RegularFileReader.read(path, limit: limit)
        var info = stat()
        guard stat(path, &info) == 0 else { throw DefinitionFileError("\(path) cannot be examined") }
        if !trusted(info) {
            throw DefinitionFileError("\(path) belongs to user \(info.st_uid), not to you or root; it is not read")
        }
        if info.st_mode & mode_t(0o022) != 0 {
            throw DefinitionFileError("\(path) is writable by other users; it is not read")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DefinitionFileError("\(path) is not UTF-8 text")
        }
        return text
    }
}

/// Why a user definition file was not read.
struct DefinitionFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
