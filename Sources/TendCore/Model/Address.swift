/// A resource's identity, `TYPE:KEY`; path keys are written with `~` for the home directory.
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var type: String
    public var key: String

    public init(type: String, key: String) {
        self.type = type
        self.key = key
    }

    /// Parses `TYPE:KEY`, normalising a path key (`/home/me/src` and `~/src` are one address); nil without a colon.
    public init?(parsing text: String, home: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        let key = String(text[text.index(after: colon)...])
        guard !key.isEmpty else { return nil }
        self.type = String(text[..<colon])
        self.key = (key.hasPrefix("/") || key.hasPrefix("~")) ? PathNormalizer.addressForm(key, home: home) : key
    }

    public var description: String { "\(type):\(key)" }

    public static func < (lhs: Address, rhs: Address) -> Bool {
        (lhs.type, lhs.key) < (rhs.type, rhs.key)
    }
}
