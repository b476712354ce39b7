import Foundation
import TendCore

/// A text file that content resources edit, as one read found it: the bytes, where they really are (the file a
/// trusted link names), and the handle on the directory that holds them, under which the write happens.
///
/// Invariants: the file is reached by handle, a symlink on the way followed only under `LinkTrust` (else the
/// error names link and target); at most `sizeLimit` bytes are read; only UTF-8 text is edited; a write replaces
/// the whole file through a temporary name with the old file's mode and owner set on the new one before the
/// rename, and only when the file still holds the bytes this read saw.
struct ContentFile {
    /// The path as the config names it (absolute).
    let path: String
    /// Where the bytes are: `path`, or the file a trusted link at `path` names.
    let destination: String
    /// The directory that holds `destination`; nil when that directory does not exist yet.
    let directory: DirectoryHandle?
    /// `lstat` of the destination; nil when there is no file yet.
    let status: FileStatus?
    /// The file's text; empty when there is no file.
    let text: String

    /// The same cap tend puts on config files: a file this size is not one a user edits by hand.
    static let sizeLimit = RegularFileReader.configLimit

    var exists: Bool { status != nil }

    /// Reads the file at the absolute `path`; a missing file (or directory) reads as empty.
    static func read(_ path: String, host: Machine) throws(ContentError) -> ContentFile {
        let shownPath = ResourcePaths.shown(path, host: host)
        let directory: DirectoryHandle
        let name: String
        do {
            (directory, name) = try DirectoryHandle.resolve(path)
        } catch let error as FileAccessError {
            if error.code == ENOENT {
                return ContentFile(path: path, destination: path, directory: nil, status: nil, text: "")
            }
            throw .access(path: shownPath, reason: error.description(home: host.home))
        } catch {
            throw .access(path: shownPath, reason: "\(error)")
        }
        let destination = directory.pathOf(name)
        guard let status = directory.status(of: name) else {
            return ContentFile(path: path, destination: destination, directory: directory, status: nil, text: "")
        }
        guard status.kind == .file else { throw .notAFile(path: shownPath, kind: status.kind.noun) }
        let bytes: [UInt8]
        do {
            bytes = try directory.read(name, limit: sizeLimit)
        } catch let error as FileAccessError {
            if error.code == EFBIG { throw .tooLarge(path: shownPath, limit: sizeLimit) }
            throw .access(path: shownPath, reason: error.description(home: host.home))
        } catch {
            throw .access(path: shownPath, reason: "\(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notText(path: shownPath) }
        return ContentFile(path: path, destination: destination, directory: directory, status: status, text: text)
    }

    /// Replaces the file with `text`. A new file gets `newMode` (its missing directories `directoryMode`) and, as root, the owner of its directory; an
    /// existing one keeps its mode and owner. Refuses when the file no longer holds what was read.
    func write(_ text: String, newMode: Int, directoryMode: Int = 0o755, host: Machine) throws {
        let shownPath = ResourcePaths.shown(destination, host: host)
        let name = PathNormalizer.lastComponent(destination)
        let directory = try self.directory
            ?? ResourcePaths.makeDirectories(PathNormalizer.directory(of: destination), mode: directoryMode, host: host)
        // A user's edit between the read and now would be lost by the rename: compare first, under the same handle.
        let now = directory.status(of: name)
        guard now?.kind == status?.kind else { throw ContentError.changedMeanwhile(path: shownPath) }
        if now != nil {
            guard let bytes = try? directory.read(name, limit: Self.sizeLimit), bytes.elementsEqual(self.text.utf8) else {
                throw ContentError.changedMeanwhile(path: shownPath)
            }
        }
        var owner = ResourcePaths.inheritedOwner(of: directory, host: host)
        if host.isRoot, let status { owner = FileOwner(uid: status.uid, gid: status.gid) }
        do {
            try directory.write(Array(text.utf8), to: name, mode: status?.mode ?? newMode, owner: owner)
        } catch {
            throw ApplyFailure("could not update \(shownPath), which was left as it was: "
                + ((error as? FileAccessError)?.description(home: host.home) ?? "\(error)"))
        }
    }
}
