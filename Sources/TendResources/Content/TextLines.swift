/// A text file as lines, split at `\n` only (a `\r` before it stays part of the line, so CRLF files keep their
/// line ends), joined back to exactly the same text when nothing changed.
struct TextLines: Sendable, Hashable {
    /// Each line without its `\n`.
    var lines: [String]
    /// True when the text ends with `\n` (or is empty).
    var endsWithNewline: Bool

    init(_ text: String) {
        // By UTF-8 bytes: as Characters, "\r\n" is one grapheme and would never split at "\n".
        var parts = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        endsWithNewline = parts.last == ""
        if endsWithNewline { parts.removeLast() }
        lines = parts
    }

    var text: String {
        lines.isEmpty ? "" : lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }

    /// A line without a final `\r`: what it says, whatever the file's line ends.
    static func content(_ line: String) -> Substring {
        line.utf8.last == UInt8(ascii: "\r") ? line.dropLast() : Substring(line)
    }

    /// `\r` when the file's lines end with CRLF (judged by its first line), so that new lines match.
    var lineEnd: String {
        lines.first.map { $0.utf8.last == UInt8(ascii: "\r") ? "\r" : "" } ?? ""
    }

    /// Adds lines at the end, ending the last line first when it had no newline.
    mutating func append(_ more: [String]) {
        guard !more.isEmpty else { return }
        let end = lineEnd
        if !endsWithNewline, !lines.isEmpty { lines[lines.count - 1] += end }
        lines.append(contentsOf: more.map { $0 + end })
        endsWithNewline = true
    }

    /// The index of the last line whose content is exactly `content`.
    func lastIndex(of content: String) -> Int? {
        lines.lastIndex { Self.content($0).utf8.elementsEqual(content.utf8) }
    }
}
