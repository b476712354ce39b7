import Foundation
import TendCore

/// The part of PEP 508 that a pip or pipx `name` may use: a distribution name and optional `[extras]`.
///
/// Everything else a requirement can say is refused, each for its reason: a leading `-` is an option to pip
/// (`-e/path` runs that project's setup.py); a path or URL installs code from somewhere other than the index
/// and would never match what refresh lists; a version belongs in the `version` parameter, which refresh
/// compares; markers (`;`) would make the package silently not install.
enum PythonRequirement {
    /// Why `text` cannot be a `name` of `type` (pip or pipx), or nil when it can.
    static func problem(_ text: String, type: String) -> ValueProblem? {
        let quoted = "'\(text)'"
        if text.hasPrefix("-") {
            return ValueProblem("name", "\(type) name \(quoted) starts with '-', which \(type) would read as an option",
                                     hint: "write the package's name as it is on PyPI, e.g. httpie")
        }
        if text.contains("://") || text.contains("@") {
            return ValueProblem("name", "\(type) name \(quoted) is a URL or a direct reference; tend installs by name from the package index",
                                     hint: "write the package's name as it is on PyPI, or use a script resource for other sources")
        }
        if text.contains("/") || text.hasPrefix(".") || text.hasPrefix("~") {
            return ValueProblem("name", "\(type) name \(quoted) looks like a path; tend installs by name from the package index",
                                     hint: "write the package's name as it is on PyPI, or use a script resource for a local project")
        }
        if text.contains(";") {
            return ValueProblem("name", "\(type) name \(quoted) has an environment marker; tend does not install conditionally",
                                     hint: "use 'when:' on the resource instead")
        }
        var scalars = Substring(text).unicodeScalars[...]
        let name = scalars.prefix(while: isNameScalar)
        scalars = scalars.dropFirst(name.count)
        guard isName(name) else { return invalid(text, type: type) }
        if scalars.first == "[" {
            guard let close = scalars.firstIndex(of: "]") else { return invalid(text, type: type) }
            let extras = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
            let names = extras.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard names.allSatisfy({ isName($0.unicodeScalars[...]) }) else { return invalid(text, type: type) }
            scalars = scalars[scalars.index(after: close)...]
        }
        let rest = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces)
        if rest.isEmpty { return nil }
        if let first = rest.first, "=<>!~".contains(first) {
            return ValueProblem("name", "\(type) name \(quoted) carries a version; give only the name",
                                     hint: "put the version in 'version:', e.g. version: \"\(rest.drop { "=<>!~ ".contains($0) })\"")
        }
        return invalid(text, type: type)
    }

    private static func invalid(_ text: String, type: String) -> ValueProblem {
        ValueProblem("name", "\(type) name '\(text)' is not a Python package name",
                          hint: "use letters, digits, '.', '_' and '-' (starting and ending with a letter or digit), "
                              + "optionally with extras: name[extra1,extra2]")
    }

    /// PEP 508's name: `[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?`.
    private static func isName(_ scalars: Substring.UnicodeScalarView.SubSequence) -> Bool {
        guard let first = scalars.first, let last = scalars.last, isAlphanumeric(first), isAlphanumeric(last)
        else { return false }
        return scalars.allSatisfy(isNameScalar)
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        isAlphanumeric(scalar) || scalar == "." || scalar == "_" || scalar == "-"
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
