/// An INI file as lines, read only as far as a setting needs: `[section]` headers, `key = value` lines (also
/// `key=value`), and everything else (comments with `;` or `#`, blank lines, lines it does not understand) kept
/// as it is. Editing one setting changes only the bytes of its value, or adds or removes its one line.
///
/// Keys and sections compare exactly (case kept). A value is the text after the first `=`, blanks around it
/// trimmed; inline comments are part of it, as most INI readers take them (Python's configparser, systemd).
struct IniDocument: Sendable, Hashable {
    var lines: TextLines

    init(_ text: String) {
        lines = TextLines(text)
    }

    var text: String { lines.text }

    /// The section a `[name]` line opens, nil for any other line.
    static func header(_ line: Substring) -> String? {
        let trimmed = line.trimmingBlanks
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]"), trimmed.count >= 2 else { return nil }
        return String(trimmed.dropFirst().dropLast()).trimmingBlanks
    }

    /// The key and where the value starts and ends (UTF-8 offsets in the line), for a `key = value` line.
    static func entry(_ line: Substring) -> (key: String, value: Range<Int>)? {
        let bytes = Array(line.utf8)
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              bytes[first] != UInt8(ascii: ";"), bytes[first] != UInt8(ascii: "#"), bytes[first] != UInt8(ascii: "["),
              let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let key = String(decoding: bytes[first..<equals], as: UTF8.self).trimmingBlanks
        guard !key.isEmpty else { return nil }
        var start = equals + 1
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return (key, start..<end)
    }

    /// The lines of `section` (nil: before the first header): the header's index (nil for the top) and the range
    /// of lines after it up to the next header; nil when the section is not there.
    func section(_ name: String?) -> (header: Int?, body: Range<Int>)? {
        var headers: [(index: Int, name: String)] = []
        for (index, line) in lines.lines.enumerated() {
            if let opened = Self.header(TextLines.content(line)) { headers.append((index, opened)) }
        }
        guard let name else { return (nil, 0..<(headers.first?.index ?? lines.lines.count)) }
        // The first section of that name: a reader that merges repeated sections takes its keys from both.
        guard let position = headers.firstIndex(where: { $0.name == name }) else { return nil }
        let start = headers[position].index + 1
        let end = position + 1 < headers.count ? headers[position + 1].index : lines.lines.count
        return (headers[position].index, start..<end)
    }

    /// The index of the line that sets `key` in `section` (the last, as readers take the last).
    func entryIndex(section: String?, key: String) -> Int? {
        guard let (_, body) = self.section(section) else { return nil }
        return body.last { index in Self.entry(TextLines.content(lines.lines[index]))?.key == key }
    }

    func value(section: String?, key: String) -> String? {
        guard let index = entryIndex(section: section, key: key) else { return nil }
        let line = TextLines.content(lines.lines[index])
        guard let (_, range) = Self.entry(line) else { return nil }
        return String(decoding: Array(line.utf8)[range], as: UTF8.self)
    }

    /// Sets `key` in `section` to `value`: the value's bytes replaced in place, or a new `key = value` line after
    /// the section's last setting, or a new section at the end.
    mutating func set(section: String?, key: String, value: String) {
        let end = lines.lineEnd
        if let index = entryIndex(section: section, key: key) {
            let line = lines.lines[index]
            let content = TextLines.content(line)
            let (_, range) = Self.entry(content)!
            let bytes = Array(content.utf8)
            let lineEnding = line.utf8.count > content.utf8.count ? "\r" : ""
            lines.lines[index] = String(decoding: bytes[..<range.lowerBound], as: UTF8.self) + value
                + String(decoding: bytes[range.upperBound...], as: UTF8.self) + lineEnding
            return
        }
        let separator = spacing(in: section)
        let newLine = key + separator + value
        if let (header, body) = self.section(section) {
            // After the section's last non-blank line, so that a blank line before the next section stays there.
            let last = body.last { !TextLines.content(lines.lines[$0]).trimmingBlanks.isEmpty }
            let at = last.map { $0 + 1 } ?? (header.map { $0 + 1 } ?? 0)
            if at >= lines.lines.count {
                lines.append([newLine])
            } else {
                lines.lines.insert(newLine + end, at: at)
            }
            return
        }
        var added: [String] = []
        if let last = lines.lines.last, !TextLines.content(last).trimmingBlanks.isEmpty { added.append("") }
        if let section { added.append("[\(section)]") }
        added.append(newLine)
        lines.append(added)
    }

    /// Removes every line that sets `key` in `section`; the section's header stays (it may hold the user's
    /// comments, and other tools may expect it).
    mutating func remove(section: String?, key: String) {
        while let index = entryIndex(section: section, key: key) {
            lines.lines.remove(at: index)
        }
    }

    /// " = " or "=", as the section's (else the file's) first setting writes it.
    private func spacing(in section: String?) -> String {
        let candidates = (self.section(section).map { Array($0.body) } ?? []) + Array(lines.lines.indices)
        for index in candidates {
            let content = TextLines.content(lines.lines[index])
            guard Self.entry(content) != nil, let equals = content.firstIndex(of: "=") else { continue }
            let before = content[..<equals]
            return before.hasSuffix(" ") || before.hasSuffix("\t") ? " = " : "="
        }
        return " = "
    }
}

extension StringProtocol {
    /// Without spaces and tabs at either end.
    var trimmingBlanks: String {
        var text = Substring(self)
        while let first = text.unicodeScalars.first, first == " " || first == "\t" {
            text = Substring(text.unicodeScalars.dropFirst())
        }
        while let last = text.unicodeScalars.last, last == " " || last == "\t" {
            text = Substring(text.unicodeScalars.dropLast())
        }
        return String(text)
    }
}
