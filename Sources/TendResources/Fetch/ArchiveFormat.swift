/// The archive formats the archive type unpacks, told by the URL's name (or the `format` parameter), each with
/// the system tool that lists and extracts it.
enum ArchiveFormat: String, CaseIterable, Sendable {
    case tarGz = "tar.gz"
    case tarXz = "tar.xz"
    case zip

    /// The format a URL's name says (`.tar.gz`, `.tgz`, `.tar.xz`, `.txz`, `.zip`), ignoring a query or fragment.
    static func from(url: String) -> ArchiveFormat? {
        var name = Substring(url.lowercased())
        if let cut = name.firstIndex(where: { $0 == "?" || $0 == "#" }) { name = name[..<cut] }
        if name.hasSuffix(".tar.gz") || name.hasSuffix(".tgz") { return .tarGz }
        if name.hasSuffix(".tar.xz") || name.hasSuffix(".txz") { return .tarXz }
        if name.hasSuffix(".zip") { return .zip }
        return nil
    }

    /// The program a user must have installed for this format.
    var tool: String { self == .zip ? "unzip" : "tar" }

    /// The argv that prints the archive's member names, one per line.
    func listArguments(_ archive: String) -> [String] {
        switch self {
        case .tarGz: return ["tar", "--list", "--gzip", "--file", archive]
        case .tarXz: return ["tar", "--list", "--xz", "--file", archive]
        case .zip: return ["unzip", "-Z1", archive]
        }
    }

    /// The argv that extracts the whole archive into `directory` (private to tend), owned by whoever runs it.
    func extractArguments(_ archive: String, into directory: String) -> [String] {
        switch self {
        case .tarGz, .tarXz:
            return ["tar", "--extract", self == .tarGz ? "--gzip" : "--xz", "--file", archive, "--directory", directory,
                    "--no-same-owner", "--no-same-permissions"]
        case .zip:
            return ["unzip", "-q", "-o", archive, "-d", directory]
        }
    }

    /// Why a member name cannot be extracted (absolute, or climbing out with `..`), or nil.
    static func memberProblem(_ name: String) -> String? {
        if name.hasPrefix("/") { return "member '\(name)' has an absolute path" }
        if name.split(separator: "/").contains("..") { return "member '\(name)' climbs out of the archive with '..'" }
        if name.contains("\\") && name.split(separator: "\\").contains("..") {
            return "member '\(name)' climbs out of the archive with '..'"
        }
        return nil
    }
}
