import Foundation

/// A short text that changes whenever what is at a path changes in a way a user would call an edit: a file's
/// bytes, a link's target, a directory's mode and owner. Tend records it after each write and compares it before
/// each destructive step (DESIGN "Never lose a byte"); equal footprints mean the thing is still tend's work.
public enum PathFootprint {
    /// The footprint of what is at `path` now, without following a final symlink; nil when nothing is there.
    public static func of(_ path: String, files: FileSystem = FileSystem()) -> String? {
        guard let status = files.status(path) else { return nil }
        switch status.kind {
        case .file:
            // Larger than anything tend writes (a `source:` is at most 64 MiB, a config less): it cannot be tend's
            // work, so it is not read, which keeps a plan over a huge file small.
            if status.size > RegularFileReader.sourceLimit { return "file of \(status.size) bytes" }
            // An unreadable file still differs from anything tend wrote, so it is never taken for tend's.
            guard let bytes = files.read(path) else { return "file unreadable" }
            return "file " + SHA256.digest(bytes)
        case .symlink:
            return "symlink " + (files.readLink(path) ?? "(unreadable)")
        case .directory:
            return "directory " + String(status.mode, radix: 8) + " \(status.uid):\(status.gid)"
        case .other:
            return "other"
        }
    }

    /// The form a footprint is stored and compared in: an HMAC under the state's key. A footprint holds a bare
    /// SHA-256 of a file's bytes or a setting's value, which would let anyone who reads the state test guesses
    /// of a sensitive one; every footprint is sealed the same way so that one rule serves them all.
    public static func stored(_ footprint: String?, secrets: SecretDigest) -> String? {
        footprint.map { secrets.digest($0) }
    }

    /// The footprint of a setting's value (a git config value): a digest, so that a secret is never stored.
    public static func value(_ text: String?) -> String? {
        text.map { "value " + SHA256.digest($0) }
    }
}
