/// HMAC-SHA256 (RFC 2104, tested against RFC 4231), over tend's own `SHA256`.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`; keys longer than a block are hashed first.
    public static func code<Bytes: Sequence>(key: [UInt8], message: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var block = key
        if block.count > 64 {
            var hasher = SHA256()
            hasher.update(block)
            block = hasher.finalize()
        }
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }
}
