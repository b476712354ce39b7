/// Parent directories opened by handle during one refresh, so that a thousand files in a few directories cost a
/// few walks from `/` rather than a thousand. Holds at most `capacity` open descriptors; used from one task only.
public final class DirectoryHandleCache {
    private let capacity: Int
    private var handles: [String: DirectoryHandle?] = [:]
    private var order: [String] = []

    public init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
    }

    /// The open parent of `path` and the last component's name; nil when the parent cannot be reached by the
    /// rules of `DirectoryHandle.openParent` (a link another user could have made, a missing directory).
    public func parent(of path: String) -> (DirectoryHandle, String)? {
        let standard = PathNormalizer.standardize(path)
        let directory = PathNormalizer.directory(of: standard)
        let name = PathNormalizer.lastComponent(standard)
        if let cached = handles[directory] { return cached.map { ($0, name) } }
        let opened = try? DirectoryHandle.openParent(of: standard).0
        if order.count >= capacity {
            handles[order.removeFirst()] = nil
        }
        handles[directory] = .some(opened)
        order.append(directory)
        return opened.map { ($0, name) }
    }
}

extension FileSystem {
    /// `readEntry` through a cache of parent directories (see `DirectoryHandleCache`).
    public func readEntry(_ path: String, cache: DirectoryHandleCache) -> [UInt8]? {
        guard let (directory, name) = cache.parent(of: path) else { return nil }
        return directory.read(name)
    }
}
