/// Path spelling rules shared by addresses, comparisons and the loader. Pure string work: no file system access.
public enum PathNormalizer {
    /// Expands a leading `~` or `~/` to `home`; other text is returned as is.
    public static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }

    /// Removes `.` and empty components, resolves `..` lexically, and drops a trailing slash.
    public static func standardize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." { parts.removeLast(); continue }
                if absolute { continue }
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// An absolute, standardised path: `~` expanded, relative paths taken from `base`.
    public static func absolute(_ path: String, home: String, base: String) -> String {
        let expanded = expandTilde(path, home: home)
        if expanded.hasPrefix("/") { return standardize(expanded) }
        return standardize(base + "/" + expanded)
    }

    /// The spelling used in addresses and reports: standardised, with `~` for the home directory.
    public static func addressForm(_ path: String, home: String) -> String {
        let absolute = standardize(expandTilde(path, home: home))
        let homeStandard = standardize(home)
        if absolute == homeStandard { return "~" }
        if homeStandard != "/" && absolute.hasPrefix(homeStandard + "/") {
            return "~" + absolute.dropFirst(homeStandard.count)
        }
        return absolute
    }

    /// The directory part of a path (`/a/b` -> `/a`), "." for a bare name.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of a path.
    public static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
