/// A git configuration file read the way git's own parser (`config.c`) reads it, without running git.
///
/// Understood: `[section]`, `[section "subsection"]` (subsection case-sensitive, `\"` and `\\` escapes),
/// the legacy `[section.subsection]` (lowercased, as git does), `name = value`, a bare `name` (boolean true),
/// quoted values with the escapes `\"`, `\\`, `\n`, `\t`, `\b`, comments with `#` or `;` outside quotes,
/// a trailing backslash that continues the line, CRLF line ends and a UTF-8 byte order mark. Repeated
/// names keep every entry; a lookup gives the last, as `git config --get` does. `include.path` and
/// `includeIf` entries are kept as plain entries: the files they name are not read.
public struct GitConfigFile: Sendable, Hashable {
    /// One `name = value` line: its full key in canonical form and its value.
    public struct Entry: Sendable, Hashable {
        /// `section.name` or `section.subsection.name`, section and name lowercased, subsection as written.
        public var key: String
        /// The value with quotes and escapes resolved; nil for a bare name (which git reads as true).
        public var value: String?
        /// The 1-based line the entry starts on.
        public var line: Int

        public init(key: String, value: String?, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// Every entry, in file order.
    public private(set) var entries: [Entry]
    private var lastIndex: [String: Int]

    /// A configuration of `entries`, in order (later ones win).
    public init(entries: [Entry] = []) {
        self.entries = []
        self.lastIndex = [:]
        append(contentsOf: entries)
    }

    /// Parses the bytes of a config file; `path` names the file in errors.
    public init(parsing bytes: [UInt8], path: String) throws {
        var parser = Parser(bytes: bytes, path: path)
        self.init(entries: try parser.parse())
    }

    /// Parses config text; `path` names the file in errors.
    public init(parsing text: String, path: String) throws {
        try self.init(parsing: Array(text.utf8), path: path)
    }

    /// Adds entries read later (a file git reads after this one); they win over earlier ones.
    public mutating func append(contentsOf more: [Entry]) {
        for entry in more {
            lastIndex[entry.key] = entries.count
            entries.append(entry)
        }
    }

    /// The last entry for `key` (any spelling git accepts, e.g. `User.Email`); nil when unset or not a key.
    public func entry(for key: String) -> Entry? {
        guard let canonical = Self.canonicalKey(key), let index = lastIndex[canonical] else { return nil }
        return entries[index]
    }

    /// The value git would use for `key`: the last one, with a bare name read as "true"; nil when unset.
    public func value(for key: String) -> String? {
        guard let entry = entry(for: key) else { return nil }
        return entry.value ?? "true"
    }

    /// `section.name` or `section.subsection.name` in canonical form: the section (up to the first dot) and
    /// the name (after the last dot) lowercased, the subsection kept as written. Nil for text git would reject.
    public static func canonicalKey(_ key: String) -> String? {
        guard let first = key.firstIndex(of: "."), let last = key.lastIndex(of: ".") else { return nil }
        let section = key[..<first]
        let name = key[key.index(after: last)...]
        guard !section.isEmpty, section.unicodeScalars.allSatisfy({ isKeyChar($0) || $0 == "." }),
              let head = name.unicodeScalars.first, isAlpha(head),
              name.unicodeScalars.allSatisfy(isKeyChar) else { return nil }
        var result = section.lowercased() + "."
        if first != last {
            let subsection = key[key.index(after: first)..<last]
            guard !subsection.contains("\n") else { return nil }
            result += subsection + "."
        }
        return result + name.lowercased()
    }

    private static func isAlpha(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isKeyChar(_ scalar: Unicode.Scalar) -> Bool {
        isAlpha(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }
}

/// Why a git configuration file could not be read.
public enum GitConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A line git itself refuses ("fatal: bad config line N in file F").
    case badLine(path: String, line: Int)
    /// The file exists but cannot be read.
    case unreadable(path: String)

    public var description: String {
        switch self {
        case .badLine(let path, let line):
            return "bad config line \(line) in file \(path) (git refuses it too; fix the line)"
        case .unreadable(let path):
            return "cannot read \(path)"
        }
    }
}

extension GitConfigFile {
    /// A byte reader with git's `get_next_char`: CRLF reads as LF, and the end of input as a final LF.
    fileprivate struct Parser {
        let bytes: [UInt8]
        let path: String
        var position = 0
        var line = 1
        var atEnd = false

        init(bytes: [UInt8], path: String) {
            self.bytes = bytes
            self.path = path
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        static let newline = UInt8(ascii: "\n")

        mutating func next() -> UInt8 {
            guard position < bytes.count else {
                // git counts a line at every read past the end; its line numbers in errors depend on it.
                atEnd = true
                line += 1
                return Self.newline
            }
            var c = bytes[position]
            position += 1
            if c == UInt8(ascii: "\r"), position < bytes.count, bytes[position] == Self.newline {
                position += 1
                c = Self.newline
            }
            if c == Self.newline { line += 1 }
            return c
        }

        var bad: GitConfigError { .badLine(path: path, line: line) }
        /// The error for a line that ended too soon: the newline just read belongs to the bad line.
        var incomplete: GitConfigError { .badLine(path: path, line: line - 1) }

        /// The entries of the file, following git's `git_parse_source`.
        mutating func parse() throws -> [Entry] {
            var entries: [Entry] = []
            var stem: [UInt8] = []
            var comment = false
            while true {
                let c = next()
                if c == Self.newline {
                    if atEnd { return entries }
                    comment = false
                    continue
                }
                if comment || isSpace(c) { continue }
                if c == UInt8(ascii: "#") || c == UInt8(ascii: ";") {
                    comment = true
                    continue
                }
                if c == UInt8(ascii: "[") {
                    stem = try sectionHeader()
                    stem.append(UInt8(ascii: "."))
                    continue
                }
                // A name before any section has no stem; git accepts it, and no key can name it.
                guard isAlpha(c) else { throw bad }
                let startLine = line
                var name = [lower(c)]
                let value = try nameAndValue(into: &name)
                entries.append(Entry(key: String(decoding: stem + name, as: UTF8.self), value: value,
                                     line: startLine))
            }
        }

        /// `[section]`, `[section.sub]` or `[section "sub"]`, after the `[`: the stem without the final dot.
        mutating func sectionHeader() throws -> [UInt8] {
            var name: [UInt8] = []
            while true {
                let c = next()
                if atEnd { throw bad }
                if c == UInt8(ascii: "]") {
                    guard !name.isEmpty else { throw bad }
                    return name
                }
                if isSpace(c) {
                    return try extendedHeader(name, after: c)
                }
                guard isKeyChar(c) || c == UInt8(ascii: ".") else { throw bad }
                name.append(lower(c))
            }
        }

        /// The `"subsection"]` part: case kept, `\x` read as `x`.
        mutating func extendedHeader(_ section: [UInt8], after first: UInt8) throws -> [UInt8] {
            var c = first
            repeat {
                if c == Self.newline { throw incomplete }
                c = next()
            } while isSpace(c)
            guard c == UInt8(ascii: "\"") else { throw bad }
            var name = section + [UInt8(ascii: ".")]
            while true {
                var c = next()
                if c == Self.newline { throw incomplete }
                if c == UInt8(ascii: "\"") { break }
                if c == UInt8(ascii: "\\") {
                    c = next()
                    if c == Self.newline { throw incomplete }
                }
                name.append(c)
            }
            guard next() == UInt8(ascii: "]") else { throw bad }
            return name
        }

        /// The rest of the name after its first letter, then `= value` or nothing (a bare name).
        mutating func nameAndValue(into name: inout [UInt8]) throws -> String? {
            var c: UInt8
            while true {
                c = next()
                if atEnd || !isKeyChar(c) { break }
                name.append(lower(c))
            }
            while c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { c = next() }
            if c == Self.newline { return nil }
            guard c == UInt8(ascii: "=") else { throw bad }
            return try value()
        }

        /// git's `parse_value`: leading blanks dropped, trailing blanks outside quotes dropped, inner blanks
        /// kept as spaces, quotes toggled, escapes resolved, a comment ending the value outside quotes.
        mutating func value() throws -> String {
            var value: [UInt8] = []
            var quoted = false
            var comment = false
            var trimTo = 0
            while true {
                var c = next()
                if c == Self.newline {
                    if quoted { throw incomplete }
                    if trimTo > 0 { value.removeSubrange(trimTo...) }
                    return String(decoding: value, as: UTF8.self)
                }
                if comment { continue }
                if isSpace(c) && !quoted {
                    // Each blank inside an unquoted value reads as one space, as in git up to 2.44 (Debian 12,
                    // Ubuntu 24.04); git 2.45 keeps tabs as they are. Values git writes quote their tabs.
                    if trimTo == 0 { trimTo = value.count }
                    if !value.isEmpty { value.append(UInt8(ascii: " ")) }
                    continue
                }
                if !quoted && (c == UInt8(ascii: "#") || c == UInt8(ascii: ";")) {
                    comment = true
                    continue
                }
                trimTo = 0
                if c == UInt8(ascii: "\\") {
                    c = next()
                    switch c {
                    case Self.newline:
                        continue
                    case UInt8(ascii: "t"): c = UInt8(ascii: "\t")
                    case UInt8(ascii: "b"): c = 0x08
                    case UInt8(ascii: "n"): c = Self.newline
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""): break
                    default: throw bad
                    }
                    value.append(c)
                    continue
                }
                if c == UInt8(ascii: "\"") {
                    quoted.toggle()
                    continue
                }
                value.append(c)
            }
        }

        // C's isspace in the "C" locale, which is what git uses.
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
        func isAlpha(_ c: UInt8) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
        func isKeyChar(_ c: UInt8) -> Bool { isAlpha(c) || (0x30...0x39).contains(c) || c == UInt8(ascii: "-") }
        func lower(_ c: UInt8) -> UInt8 { (0x41...0x5A).contains(c) ? c + 0x20 : c }
    }
}
