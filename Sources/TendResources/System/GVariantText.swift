/// GVariant values as text (`'Adwaita-dark'`, `true`, `uint32 5`, `['a', 'b']`), the form gsettings and dconf read
/// and print. tend does not parse GVariant; it only knows when a value as a user writes it is the one the tool
/// prints back, so that a config that says `"Adwaita-dark"` or `Adwaita-dark` is not a change on every run.
enum GVariantText {
    /// The type annotations `g_variant_print` puts before numbers whose type is not the default one.
    static let annotations = ["byte ", "int16 ", "uint16 ", "int32 ", "uint32 ", "int64 ", "uint64 ", "handle ", "double "]

    /// True when `written` (from the config) is the value `printed` (by gsettings or dconf).
    static func equivalent(_ written: String, _ printed: String) -> Bool {
        let written = trimmed(written), printed = trimmed(printed)
        if written == printed { return true }
        var bare = printed
        if let annotation = annotations.first(where: { printed.hasPrefix($0) }) {
            bare = String(printed.dropFirst(annotation.count))
            if written == bare { return true }
        }
        // A string: printed single-quoted; written double-quoted, or bare (gsettings takes a bare word as a string).
        guard bare.count >= 2, bare.hasPrefix("'"), bare.hasSuffix("'") else { return false }
        let inner = String(bare.dropFirst().dropLast())
        guard !inner.contains("'"), !inner.contains("\\"), !inner.contains("\"") else { return false }
        return written == "\"" + inner + "\"" || written == inner
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let first = text.first, first == " " || first == "\n" || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\n" || last == "\t" { text = text.dropLast() }
        return String(text)
    }

    /// Why `value` cannot be handed to gsettings or dconf as one argument, or nil.
    static func problem(_ value: String) -> String? {
        if trimmed(value).isEmpty { return "the value is empty (write a GVariant value, e.g. 'text', true or 5)" }
        if value.unicodeScalars.contains(where: { $0.value == 0 }) { return "the value holds a NUL byte" }
        if value.utf8.count > 64 << 10 { return "the value is larger than 64 KiB" }
        return nil
    }
}
