/// An OpenSSH client config (`~/.ssh/config`) as lines, read only as far as one `Host` block needs: a block runs
/// from its `Host` line to the next `Host` or `Match` line, without the blank lines before that one. Keywords
/// compare without case, as ssh reads them; `Keyword value` and `Keyword=value` are both understood.
struct SshConfigDocument: Sendable, Hashable {
    var lines: TextLines

    init(_ text: String) {
        lines = TextLines(text)
    }

    var text: String { lines.text }

    /// The keyword of a line and the rest (its arguments); nil for blank and comment lines.
    static func keyword(_ line: Substring) -> (keyword: String, arguments: String)? {
        let trimmed = line.trimmingBlanks
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
        let end = trimmed.firstIndex { $0 == " " || $0 == "\t" || $0 == "=" } ?? trimmed.endIndex
        var rest = trimmed[end...].drop { $0 == " " || $0 == "\t" }
        if rest.first == "=" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
        return (String(trimmed[..<end]), String(rest))
    }

    /// The lines of the block whose `Host` line names exactly `patterns`: the Host line's index and the body's
    /// range after it.
    func block(_ patterns: String) -> (host: Int, body: Range<Int>)? {
        guard let host = lines.lines.firstIndex(where: { line in
            guard let (keyword, arguments) = Self.keyword(TextLines.content(line)) else { return false }
            return keyword.lowercased() == "host" && arguments.trimmingBlanks == patterns
        }) else { return nil }
        var end = host + 1
        while end < lines.lines.count {
            if let (keyword, _) = Self.keyword(TextLines.content(lines.lines[end])),
               ["host", "match"].contains(keyword.lowercased()) { break }
            end += 1
        }
        while end > host + 1, TextLines.content(lines.lines[end - 1]).trimmingBlanks.isEmpty { end -= 1 }
        return (host, (host + 1)..<end)
    }

    /// The block's body lines as they are (the fragment tend compares with what it wrote).
    func body(_ patterns: String) -> String? {
        guard let (_, body) = block(patterns) else { return nil }
        return lines.lines[body].map { String(TextLines.content($0)) }.joined(separator: "\n")
    }

    /// The options the block sets, by keyword as written; a repeated keyword's first value, as ssh takes it.
    func options(_ patterns: String) -> [String: String]? {
        guard let (_, body) = block(patterns) else { return nil }
        var options: [String: String] = [:]
        for index in body {
            guard let (keyword, arguments) = Self.keyword(TextLines.content(lines.lines[index])) else { continue }
            if !options.keys.contains(where: { $0.lowercased() == keyword.lowercased() }) { options[keyword] = arguments }
        }
        return options
    }

    /// The body tend writes for `options`: one indented line each, in keyword order.
    static func render(_ options: [String: String]) -> [String] {
        options.keys.sorted { $0.lowercased() < $1.lowercased() }.map { "    \($0) \(options[$0]!)" }
    }

    /// Puts the block in place: its body replaced, or a new block before a final `Host *` (whose values would
    /// otherwise win, ssh taking the first it reads), else at the end after a blank line.
    mutating func set(_ patterns: String, body: [String]) {
        let end = lines.lineEnd
        if let (_, range) = block(patterns) {
            lines.lines.replaceSubrange(range, with: body.map { $0 + end })
            return
        }
        let header = "Host " + patterns
        if let star = lines.lines.firstIndex(where: { line in
            guard let (keyword, arguments) = Self.keyword(TextLines.content(line)) else { return false }
            return keyword.lowercased() == "host" && arguments.trimmingBlanks == "*"
        }) {
            lines.lines.insert(contentsOf: ([header] + body + [""]).map { $0 + end }, at: star)
            return
        }
        var added: [String] = []
        if let last = lines.lines.last, !TextLines.content(last).trimmingBlanks.isEmpty { added.append("") }
        lines.append(added + [header] + body)
    }

    /// Removes the block (its Host line and body), and the blank line tend put before or after it.
    mutating func remove(_ patterns: String) {
        guard let (host, body) = block(patterns) else { return }
        var start = host
        var end = body.upperBound
        if end < lines.lines.count, TextLines.content(lines.lines[end]).trimmingBlanks.isEmpty,
           end + 1 < lines.lines.count {
            end += 1
        } else if start > 0, TextLines.content(lines.lines[start - 1]).trimmingBlanks.isEmpty {
            start -= 1
        }
        lines.lines.removeSubrange(start..<end)
    }
}
