import Foundation
import TendCore

/// An SSH public key: the wire-format blob and what `ssh-keygen -l` shows of it.
public struct SshPublicKey: Sendable, Hashable {
    /// The algorithm name inside the blob (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, ...).
    public var algorithm: String
    /// The key in SSH wire format (RFC 4253 section 6.6), as the base64 field of a `.pub` line decodes.
    public var blob: [UInt8]
    /// Text after the key in a `.pub` line, trimmed; empty when there is none or it is unknown.
    public var comment: String

    /// Parses the first key line of a `.pub` file: `ALGORITHM BASE64 [COMMENT]`.
    public init?(line text: String) {
        guard let line = text.split(whereSeparator: \.isNewline).first(where: {
            let trimmed = $0.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && !trimmed.hasPrefix("#")
        }) else { return nil }
        let fields = line.split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2, let data = Data(base64Encoded: String(fields[1])) else { return nil }
        var reader = WireReader(Array(data))
        guard let name = reader.string(), String(decoding: name, as: UTF8.self) == fields[0] else { return nil }
        algorithm = String(fields[0])
        blob = Array(data)
        comment = fields.count > 2 ? fields[2].trimmingCharacters(in: .whitespaces) : ""
    }

    /// Reads the public key stored in the clear in an OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`).
    public init?(privateKey bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let begin = "-----BEGIN OPENSSH PRIVATE KEY-----", end = "-----END OPENSSH PRIVATE KEY-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex),
              let data = Data(base64Encoded: text[start.upperBound..<stop.lowerBound]
                  .filter { !$0.isWhitespace })
        else { return nil }
        var reader = WireReader(Array(data))
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard reader.bytes(magic.count) == magic,
              reader.string() != nil, reader.string() != nil, reader.string() != nil,  // cipher, kdf, kdf options
              let count = reader.uint32(), count >= 1,
              let blob = reader.string() else { return nil }
        var inner = WireReader(blob)
        guard let name = inner.string() else { return nil }
        algorithm = String(decoding: name, as: UTF8.self)
        self.blob = blob
        comment = ""
    }

    /// The key type as `ssh-keygen -t` names it: ed25519, rsa, ecdsa, dsa, ed25519-sk, ecdsa-sk; else the algorithm.
    public var keyType: String {
        switch algorithm {
        case "ssh-ed25519": return "ed25519"
        case "ssh-rsa": return "rsa"
        case "ssh-dss": return "dsa"
        case "sk-ssh-ed25519@openssh.com": return "ed25519-sk"
        case let name where name.hasPrefix("ecdsa-sha2-"): return "ecdsa"
        case let name where name.hasPrefix("sk-ecdsa-sha2-"): return "ecdsa-sk"
        default: return algorithm
        }
    }

    /// `SHA256:` and the unpadded base64 of the blob's SHA-256, exactly as `ssh-keygen -l` prints it.
    public var fingerprint: String {
        var hasher = SHA256()
        hasher.update(blob)
        let encoded = Data(hasher.finalize()).base64EncodedString()
        return "SHA256:" + encoded.prefix { $0 != "=" }
    }

    /// The `.pub` line: algorithm, base64 blob, and the comment when there is one.
    public var publicKeyLine: String {
        let line = algorithm + " " + Data(blob).base64EncodedString()
        return comment.isEmpty ? line : line + " " + comment
    }
}

/// Reads SSH wire-format fields (RFC 4251 section 5): big-endian uint32 and length-prefixed strings.
private struct WireReader {
    let data: [UInt8]
    var offset = 0

    init(_ data: [UInt8]) {
        self.data = data
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, data.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(data[offset..<(offset + count)])
    }

    mutating func uint32() -> UInt32? {
        guard let b = bytes(4) else { return nil }
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    mutating func string() -> [UInt8]? {
        guard let length = uint32(), length <= UInt32(Int32.max) else { return nil }
        return bytes(Int(length))
    }
}
