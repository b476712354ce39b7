import Foundation
import TendCore

/// Why a content resource (a line, a block or a setting in a file the user also edits) could not be read or
/// written; each message names the file and says what to do.
enum ContentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A step under `DirectoryHandle` was refused (an untrusted link on the way, named with its target) or failed.
    case access(path: String, reason: String)
    /// Something other than a regular file is at the path.
    case notAFile(path: String, kind: String)
    /// The file is larger than tend reads.
    case tooLarge(path: String, limit: Int)
    /// The file is not UTF-8 text, which tend would not edit without changing bytes it does not understand.
    case notText(path: String)
    /// The file's syntax stops tend from finding its place in it (an unterminated block, malformed JSON).
    case malformed(path: String, reason: String)
    /// The file changed between tend's read and its write.
    case changedMeanwhile(path: String)

    var description: String {
        switch self {
        case .access(let path, let reason):
            return "could not open \(path): \(reason)"
        case .notAFile(let path, let kind):
            return "\(path) is \(kind), not a regular file; tend edits lines and settings in regular files only "
                + "(move it away, or point 'path' at the file itself)"
        case .tooLarge(let path, let limit):
            return "\(path) is larger than \(limit >> 20) MiB; tend does not edit a file that large in place "
                + "(manage it with a file resource instead)"
        case .notText(let path):
            return "\(path) is not UTF-8 text; tend edits text files only, so that no byte it does not understand "
                + "is changed (convert it to UTF-8, or manage it with a file resource)"
        case .malformed(let path, let reason):
            return "\(path): \(reason)"
        case .changedMeanwhile(let path):
            return "\(path) changed while tend worked on it; nothing was written, run tend again"
        }
    }
}
