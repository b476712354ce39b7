/// Digests of sensitive values for plans and fingerprints: `hmac-sha256:` under a random key, so that a saved
/// plan cannot be used to test guesses of a weak secret. With the state's key (`SecretKeyFile`) digests are
/// stable across runs, which a saved plan needs; the process-wide `ephemeral` key serves everything else.
public struct SecretDigest: Sendable, Hashable {
    private let key: [UInt8]

    public init(key: [UInt8]) {
        precondition(key.count >= 16, "a secret digest key needs at least 16 bytes")
        self.key = key
    }

    /// A key made when the process starts and never written anywhere.
    public static let ephemeral: SecretDigest = {
        var generator = SystemRandomNumberGenerator()
        return SecretDigest(key: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }()

    /// `hmac-sha256:` and the hexadecimal code of the UTF-8 of `text`.
    public func digest(_ text: String) -> String {
        "hmac-sha256:" + SHA256.hex(HMACSHA256.code(key: key, message: Array(text.utf8)))
    }
}
