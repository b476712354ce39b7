import Foundation

/// The owner and group to give a file tend makes or changes; nil leaves that one as it is.
public struct FileOwner: Sendable, Hashable {
    public var uid: UInt32?
    public var gid: UInt32?

    public init(uid: UInt32?, gid: UInt32?) {
        self.uid = uid
        self.gid = gid
    }

    /// True when neither is asked for.
    public var isEmpty: Bool { uid == nil && gid == nil }

    /// This owner where it says something, `fallback` where it does not.
    public func filled(from fallback: FileOwner?) -> FileOwner {
        FileOwner(uid: uid ?? fallback?.uid, gid: gid ?? fallback?.gid)
    }
}
