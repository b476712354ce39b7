import Foundation

/// The deb822 `.sources` file tend writes for an apt-repository, and what it reads back from one: the fields,
/// and tend's first-line record of the keyring it installed (its digest and the fingerprint checked before).
struct AptSourcesFile: Sendable, Hashable {
    static let directory = "/etc/apt/sources.list.d"
    static let keyrings = "/etc/apt/keyrings"
    static let recordPrefix = "# Written by tend; keyring sha256 "

    var uris: [String]
    var suites: [String]
    var components: [String]
    var architectures: [String]
    var signedBy: String
    /// From tend's record line: the keyring's digest (lowercase hex) and the key's fingerprint.
    var keyringDigest: String?
    var fingerprint: String?

    var text: String {
        var lines = ["\(Self.recordPrefix)\(keyringDigest ?? "-") fingerprint \(fingerprint ?? "-")", "Types: deb",
                     "URIs: " + uris.joined(separator: " "), "Suites: " + suites.joined(separator: " ")]
        if !components.isEmpty { lines.append("Components: " + components.joined(separator: " ")) }
        if !architectures.isEmpty { lines.append("Architectures: " + architectures.joined(separator: " ")) }
        lines.append("Signed-By: " + signedBy)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The file's fields; nil when it is not a single deb822 stanza.
    static func parse(_ text: String) -> AptSourcesFile? {
        var fields: [String: [String]] = [:]
        var digest: String?
        var fingerprint: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix(recordPrefix) {
                let words = line.dropFirst(recordPrefix.count).split(separator: " ")
                if words.count == 3, words[1] == "fingerprint" {
                    digest = String(words[0])
                    fingerprint = String(words[2])
                }
                continue
            }
            if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            fields[name] = line[line.index(after: colon)...].split(separator: " ").map(String.init)
        }
        guard let uris = fields["uris"], let suites = fields["suites"] else { return nil }
        return AptSourcesFile(uris: uris, suites: suites, components: fields["components"] ?? [],
                              architectures: fields["architectures"] ?? [],
                              signedBy: fields["signed-by"]?.joined(separator: " ") ?? "",
                              keyringDigest: digest, fingerprint: fingerprint)
    }

    /// The reason a deb822 value cannot be written (empty, or holding a space or control character), or nil.
    static func wordProblem(_ value: String, parameter: String) -> String? {
        if value.isEmpty || value.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) {
            return "\(parameter) value '\(value)' must be one word without spaces or control characters"
        }
        return nil
    }

    /// The fingerprint as gpg prints it: upper-case hex, no spaces; nil when it is not 40 (v4) or 64 (v5) hex digits.
    static func normalizedFingerprint(_ text: String) -> String? {
        let hex = text.uppercased().filter { $0 != " " }
        guard [40, 64].contains(hex.count), hex.allSatisfy({ $0.isHexDigit }) else { return nil }
        return hex
    }
}
