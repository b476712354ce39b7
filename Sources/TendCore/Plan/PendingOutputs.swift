/// `${outputs.ADDRESS.KEY}` references that only apply can fill. The plan shows them as Terraform does,
/// "(known after apply)", rather than as placeholder text a reader could take for the value itself.
public enum PendingOutputs {
    public static let shown = "(known after apply)"

    /// `text` with every `${outputs...}` reference replaced by "(known after apply)"; other text unchanged.
    public static func masked(_ text: String) -> String {
        guard text.contains("${outputs.") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${outputs.") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                rest = rest[start.lowerBound...]
                break
            }
            out += shown
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
