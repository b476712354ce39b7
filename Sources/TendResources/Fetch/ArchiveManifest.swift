import TendCore

/// What tend extracted into an archive resource's directory, kept beside it in `.tend-archive` (JSON): refresh
/// reads this one file instead of the tree, and removal deletes only what is listed and still as tend left it.
struct ArchiveManifest: Sendable, Hashable {
    /// The manifest's name inside the resource's directory.
    static let name = ".tend-archive"
    /// The largest manifest tend reads.
    static let limit = 16 << 20

    /// The archive's digest (lowercase hex).
    var sha256: String
    var stripComponents: Int
    var entries: [ArchiveEntry]

    func encoded() -> [UInt8] {
        let list: [JSON] = entries.map { entry in
            var fields: [(String, JSON)] = [("path", .string(entry.path)), ("kind", .string(entry.kind.rawValue)),
                                            ("mode", .int(entry.mode))]
            if let sha256 = entry.sha256 { fields.append(("sha256", .string(sha256))) }
            if let size = entry.size { fields.append(("size", .int(size))) }
            if let modified = entry.modified { fields.append(("modified", .string(modified))) }
            if let target = entry.target { fields.append(("target", .string(target))) }
            return .object(fields)
        }
        let document = JSON.object([("formatVersion", .int(1)), ("sha256", .string(sha256)),
                                    ("stripComponents", .int(stripComponents)), ("entries", .array(list))])
        return Array((document.compact + "\n").utf8)
    }

    /// The manifest in `bytes`, or nil when it is not one tend wrote (then the directory is not tend's).
    static func decode(_ bytes: [UInt8]) -> ArchiveManifest? {
        guard let text = String(validating: bytes, as: UTF8.self), let document = try? JSON.parse(text),
              document["formatVersion"]?.intValue == 1, let sha256 = document["sha256"]?.stringValue,
              let strip = document["stripComponents"]?.intValue, let list = document["entries"]?.arrayValue else { return nil }
        var entries: [ArchiveEntry] = []
        for item in list {
            guard let path = item["path"]?.stringValue, ArchiveFormat.memberProblem(path) == nil, !path.isEmpty,
                  let kind = item["kind"]?.stringValue.flatMap(ArchiveEntry.Kind.init(rawValue:)),
                  let mode = item["mode"]?.intValue else { return nil }
            entries.append(ArchiveEntry(path: path, kind: kind, mode: mode, sha256: item["sha256"]?.stringValue,
                                        size: item["size"]?.intValue, modified: item["modified"]?.stringValue,
                                        target: item["target"]?.stringValue))
        }
        return ArchiveManifest(sha256: sha256, stripComponents: strip, entries: entries)
    }
}
