/// Text from the config, the host or a command made safe to print: control characters become visible escapes
/// (`\e`, `\r`, `\n`, `\x07`, `\u0085`), so that a value can neither move the cursor, recolour the terminal,
/// nor start a line of its own that looks like tend's output.
public enum TerminalText {
    /// One line: every C0 and C1 control character and DEL escaped, newlines included.
    public static func escape(_ text: String) -> String {
        escape(text, keeping: [])
    }

    /// Several lines (a diff, a command's output): as `escape`, but newlines and tabs stay.
    public static func escapeLines(_ text: String) -> String {
        escape(text, keeping: ["\n", "\t"])
    }

    private static func escape(_ text: String, keeping: Set<Unicode.Scalar>) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) && !keeping.contains($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar), !keeping.contains(scalar) else {
                out.append(scalar)
                continue
            }
            let escaped: String
            switch scalar {
            case "\u{1B}": escaped = "\\e"
            case "\r": escaped = "\\r"
            case "\n": escaped = "\\n"
            case "\t": escaped = "\\t"
            default:
                let digits = String(scalar.value, radix: 16)
                escaped = scalar.value < 0x80 || scalar.value == 0x7f
                    ? "\\x" + (digits.count < 2 ? "0" : "") + digits
                    : "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            }
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7f && scalar.value <= 0x9f)
    }
}
