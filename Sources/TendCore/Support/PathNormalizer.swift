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
        if isStandard(path) { return path }
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

    /// True when `standardize` would return the path unchanged: no empty, `.` or `..` component and no
    /// trailing slash. Most paths are, and checking bytes is far cheaper than splitting.
    static func isStandard(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var utf8 = path.utf8.makeIterator()
        guard var previous = utf8.next() else { return false }
        if previous == dot { return false }
        var componentStart = previous == slash
        var componentLength = previous == slash ? 0 : 1
        var dots = 0
        while let byte = utf8.next() {
            if byte == slash {
                if previous == slash { return false }
                if componentLength == dots && dots > 0 && dots <= 2 { return false }
                componentStart = true
                componentLength = 0
                dots = 0
            } else {
                if componentStart && byte == dot { dots += 1 } else if byte == dot && dots == componentLength { dots += 1 } else { dots = -100 }
                componentStart = false
                componentLength += 1
            }
            previous = byte
        }
        if previous == slash { return path.utf8.count == 1 }
        if componentLength == dots && dots > 0 && dots <= 2 { return false }
        return true
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
        // By UTF-8 unit: "/" is never part of another character, and no grapheme walk is needed.
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of a path.
    public static func lastComponent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }
}
