/// `/etc/hosts` as lines, read as far as one address's line needs: `IP NAME...` with an optional `# comment`.
/// The first line for an address is its entry (the resolver reads them in order); comments and blank lines are
/// never entries and stay as they are.
struct HostsFileDocument: Sendable, Hashable {
    var lines: TextLines

    init(_ text: String) {
        lines = TextLines(text)
    }

    var text: String { lines.text }

    /// The entry for `ip`: its line, its names, and the UTF-8 range from the first name to the last.
    func entry(_ ip: String) -> (index: Int, names: [String], range: Range<Int>?)? {
        for index in lines.lines.indices {
            let content = TextLines.content(lines.lines[index])
            let code = content.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = KnownHostsDocument.fields(code)
            guard let first = fields.first, first.text == ip else { continue }
            let names = fields.dropFirst()
            let range = names.first.map { $0.range.lowerBound..<names.last!.range.upperBound }
            return (index, names.map(\.text), range)
        }
        return nil
    }

    /// The entry for `ip` with exactly `names`: its names replaced (the blanks after the address and a comment
    /// kept), or a new `IP<TAB>NAMES` line at the end.
    mutating func set(_ ip: String, names: [String]) {
        let spelled = names.joined(separator: " ")
        guard let entry = entry(ip) else {
            lines.append([ip + "\t" + spelled])
            return
        }
        var bytes = Array(lines.lines[entry.index].utf8)
        if let range = entry.range {
            bytes.replaceSubrange(range, with: Array(spelled.utf8))
        } else {
            let content = TextLines.content(lines.lines[entry.index])
            let at = KnownHostsDocument.fields(content).first!.range.upperBound
            bytes.insert(contentsOf: Array(("\t" + spelled).utf8), at: at)
        }
        lines.lines[entry.index] = String(decoding: bytes, as: UTF8.self)
    }

    /// Removes the address's entry line.
    mutating func remove(_ ip: String) {
        guard let entry = entry(ip) else { return }
        lines.lines.remove(at: entry.index)
    }
}
