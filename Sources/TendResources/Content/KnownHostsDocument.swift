import Foundation

/// An OpenSSH `known_hosts` file as lines, read as far as pinning one host's key needs: `HOSTS KEYTYPE KEY
/// [COMMENT]` lines whose HOSTS is a comma-separated list of names or one hashed name (`|1|salt|hash`, which
/// `ssh-keygen -H` and HashKnownHosts write). Lines with a marker (`@cert-authority`, `@revoked`), comments and
/// anything else are never an entry of a host and stay as they are.
struct KnownHostsDocument: Sendable, Hashable {
    var lines: TextLines

    init(_ text: String) {
        lines = TextLines(text)
    }

    var text: String { lines.text }

    /// One entry line split into its fields, with the UTF-8 range of the key field.
    struct Entry {
        var index: Int
        var hosts: String
        var keyType: String
        var key: String
        var keyRange: Range<Int>
    }

    static func fields(_ line: Substring) -> [(text: String, range: Range<Int>)] {
        var result: [(String, Range<Int>)] = []
        let bytes = Array(line.utf8)
        var index = 0
        while index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            let start = index
            while index < bytes.count, bytes[index] != 0x20 && bytes[index] != 0x09 { index += 1 }
            if index > start { result.append((String(decoding: bytes[start..<index], as: UTF8.self), start..<index)) }
        }
        return result
    }

    /// True when the HOSTS field names `host`: one of its plain names (case-insensitive, as ssh lowercases them),
    /// or its hashed name.
    static func names(_ hosts: String, host: String) -> Bool {
        if hosts.hasPrefix("|1|") {
            let parts = hosts.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 4, let salt = Data(base64Encoded: String(parts[2])),
                  let hash = Data(base64Encoded: String(parts[3])) else { return false }
            return SHA1.hmac(key: Array(salt), message: Array(host.lowercased().utf8)) == Array(hash)
        }
        return hosts.split(separator: ",").contains { $0.lowercased() == host.lowercased() }
    }

    /// Every entry for `host` with `keyType`.
    func entries(host: String, keyType: String) -> [Entry] {
        lines.lines.indices.compactMap { index in
            let fields = Self.fields(TextLines.content(lines.lines[index]))
            guard fields.count >= 3, !fields[0].text.hasPrefix("#"), !fields[0].text.hasPrefix("@"),
                  fields[1].text == keyType, Self.names(fields[0].text, host: host) else { return nil }
            return Entry(index: index, hosts: fields[0].text, keyType: fields[1].text, key: fields[2].text,
                         keyRange: fields[2].range)
        }
    }

    /// Pins `key`: the last entry's key field replaced (names and comment kept), or a new line at the end.
    mutating func set(host: String, keyType: String, key: String) {
        if let entry = entries(host: host, keyType: keyType).last {
            let line = lines.lines[entry.index]
            var bytes = Array(line.utf8)
            bytes.replaceSubrange(entry.keyRange, with: Array(key.utf8))
            lines.lines[entry.index] = String(decoding: bytes, as: UTF8.self)
            return
        }
        lines.append(["\(host) \(keyType) \(key)"])
    }

    /// Removes the host's entries of `keyType`: a line that names only it goes; from a line that names other
    /// hosts too, only its name is taken out.
    mutating func remove(host: String, keyType: String) {
        for entry in entries(host: host, keyType: keyType).reversed() {
            let names = entry.hosts.hasPrefix("|1|") ? [] : entry.hosts.split(separator: ",").map(String.init)
            let others = names.filter { $0.lowercased() != host.lowercased() }
            if others.isEmpty {
                lines.lines.remove(at: entry.index)
                continue
            }
            let line = lines.lines[entry.index]
            let fields = Self.fields(TextLines.content(line))
            var bytes = Array(line.utf8)
            bytes.replaceSubrange(fields[0].range, with: Array(others.joined(separator: ",").utf8))
            lines.lines[entry.index] = String(decoding: bytes, as: UTF8.self)
        }
    }
}
