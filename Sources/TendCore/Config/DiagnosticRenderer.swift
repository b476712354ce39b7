/// Prints diagnostics like a compiler: `FILE:LINE:COL: error: message`, the source line, a caret, a hint.
public struct DiagnosticRenderer: Sendable {
    /// The text of each file by the name diagnostics use, for the source line under each message.
    public var sources: [String: String]
    /// ANSI colour; callers turn it on only for a terminal without NO_COLOR.
    public var color: Bool

    public init(sources: [String: String], color: Bool = false) {
        self.sources = sources
        self.color = color
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        let label = diagnostic.severity == .error ? paint("error:", "1;31") : paint("warning:", "1;33")
        var out = ""
        if let location = diagnostic.location {
            // Messages quote the config's values: a control character in one must not reach the terminal.
            out += paint(TerminalText.escape("\(location):"), "1") + " \(label) " + paint(TerminalText.escape(diagnostic.message), "1") + "\n"
            // A blank line under the message (an empty file) says nothing; leave it out.
            if let line = sourceLine(location), !line.allSatisfy(\.isWhitespace) {
                let shown = line.replacingOccurrences(of: "\t", with: " ")
                out += "  " + TerminalText.escape(shown) + "\n"
                let prefix = TerminalText.escape(String(shown.prefix(max(0, location.mark.column - 1))))
                let pad = String(prefix.map { _ in " " })
                out += "  " + pad + paint("^", "1;32") + "\n"
            }
        } else {
            out += "tend: \(label) " + paint(TerminalText.escape(diagnostic.message), "1") + "\n"
        }
        if let hint = diagnostic.hint {
            out += "  " + paint("hint:", "1;36") + " " + TerminalText.escape(hint) + "\n"
        }
        return out
    }

    private func sourceLine(_ location: SourceLocation) -> String? {
        guard let text = sources[location.file] else { return nil }
        var lineNumber = 1
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" {
                if lineNumber == location.mark.line { break }
                lineNumber += 1
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        guard lineNumber == location.mark.line else { return nil }
        var line = String(text[start..<index])
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
