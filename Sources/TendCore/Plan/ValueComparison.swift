/// Per-parameter equality, by the schema's `Comparison`.
public enum ValueComparison {
    /// True when `current` satisfies `desired` under `comparison`.
    public static func matches(_ desired: Value, _ current: Value?, comparison: Comparison, home: String) -> Bool {
        switch comparison {
        case .createOnly:
            return true
        case .exact:
            guard let current else { return false }
            if desired == current { return true }
            // A scalar written as an int or bool in YAML equals its text read back from the host.
            return desired.text == current.text && !isCollection(desired) && !isCollection(current)
        case .path:
            guard let current, let d = desired.stringValue, let c = current.stringValue else { return false }
            return PathNormalizer.absolute(d, home: home, base: "/") == PathNormalizer.absolute(c, home: home, base: "/")
        case .mode:
            guard let current, let d = FileMode(desired.text), let c = FileMode(current.text) else { return false }
            return d == c
        case .unorderedList:
            guard let current else { return false }
            let d = desired.listValue ?? [desired]
            let c = current.listValue ?? [current]
            return Set(d.map(\.text)) == Set(c.map(\.text))
        case .versionPattern:
            guard let pattern = desired.stringValue else { return false }
            if pattern.isEmpty || pattern == "*" || pattern == "latest" { return current != nil }
            guard let version = current?.text else { return false }
            return VersionPattern(pattern).matches(version)
        }
    }

    private static func isCollection(_ value: Value) -> Bool {
        switch value {
        case .list, .map: return true
        default: return false
        }
    }
}

/// A version pattern: `*` matches any run of characters, `?` any one; without wildcards, the version must be
/// equal, or start with the pattern followed by a separator (`15` matches `15.3-1`, not `150`).
public struct VersionPattern: Sendable, Hashable {
    public var pattern: String

    public init(_ pattern: String) {
        self.pattern = pattern
    }

    public var hasWildcards: Bool { pattern.contains("*") || pattern.contains("?") }

    public func matches(_ version: String) -> Bool {
        if !hasWildcards {
            if version == pattern { return true }
            guard version.hasPrefix(pattern) else { return false }
            let next = version[version.index(version.startIndex, offsetBy: pattern.count)]
            // `_` too: Homebrew writes a formula's revision as 5.4.6_1.
            return ".-+~:_".contains(next)
        }
        return Self.glob(Array(pattern), Array(version))
    }

    private static func glob(_ p: [Character], _ s: [Character]) -> Bool {
        var pi = 0, si = 0
        var starP = -1, starS = 0
        while si < s.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == s[si]) {
                pi += 1
                si += 1
            } else if pi < p.count && p[pi] == "*" {
                starP = pi
                starS = si
                pi += 1
            } else if starP >= 0 {
                pi = starP + 1
                starS += 1
                si = starS
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
