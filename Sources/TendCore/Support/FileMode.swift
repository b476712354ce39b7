/// A permission mode read from octal text ("644", "0644", "0o644"); prints as four octal digits.
public struct FileMode: Sendable, Hashable, CustomStringConvertible {
    public var bits: Int

    public init(bits: Int) {
        self.bits = bits & 0o7777
    }

    public init?(_ text: String) {
        var digits = Substring(text)
        if digits.hasPrefix("0o") { digits = digits.dropFirst(2) }
        guard (3...5).contains(digits.count), digits.allSatisfy({ ("0"..."7").contains($0) }),
              let bits = Int(digits, radix: 8), bits <= 0o7777 else { return nil }
        self.bits = bits
    }

    public var description: String {
        let octal = String(bits, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }
}
