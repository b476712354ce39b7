/// A permission mode read from octal text ("644", "0644", "0o644"); prints as four octal digits.
public struct FileMode: Sendable, Hashable, CustomStringConvertible {
    public var bits: Int

    public init(bits: Int) {
        self.bits = bits & 0o7777
    }

    public init?(_ text: String) {
        var digits = Substring(text).utf8
        if digits.starts(with: "0o".utf8) { digits = digits.dropFirst(2) }
        guard (3...5).contains(digits.count) else { return nil }
        var bits = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            bits = bits * 8 + Int(digit - UInt8(ascii: "0"))
        }
        guard bits <= 0o7777 else { return nil }
        self.bits = bits
    }

    public var description: String {
        let octal = String(bits, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }
}
