/// How text a plugin printed appears in tend's messages: escaped, on one line, and cut short.
public enum PluginText {
    /// Characters of a plugin's output quoted in a message; the rest is replaced by an ellipsis.
    public static let quoteLimit = 200

    /// `'text'`, escaped and at most `quoteLimit` characters of it.
    public static func quote(_ text: String) -> String {
        "'" + TerminalText.escape(cut(text, to: quoteLimit)) + "'"
    }

    /// At most `limit` characters of `text`, with "..." when some were left out.
    public static func cut(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "..."
    }

    static func seconds(_ value: Double) -> String {
        let whole = value == value.rounded() ? String(Int(value)) : String(value)
        return whole + (value == 1 ? " second" : " seconds")
    }
}
