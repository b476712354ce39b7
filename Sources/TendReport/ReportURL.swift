import Foundation

/// A `postgres://` URL as given in `report_to`, `TEND_REPORT_URL` or `--report-url`, with a form safe to print.
public struct ReportURL: Sendable, Hashable {
    /// The URL as given, handed to libpq only (never printed, never in argv of a child process).
    let text: String
    /// The URL with its password (in the user part or a `password=` parameter) replaced by `***`.
    public let redacted: String
    /// Whether the URL carries a password of its own.
    public let hasPassword: Bool

    public init(_ text: String) throws(ReportError) {
        let redacted = Self.redact(text)
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw ReportError.badURL(redacted, reason: "it does not start with postgres:// or postgresql://")
        }
        guard !text.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw ReportError.badURL(redacted, reason: "it has a line break or a NUL")
        }
        self.text = text
        self.redacted = redacted
        self.hasPassword = redacted != text
    }

    /// Replaces a password in the user part (`user:secret@`) and in a `password=` query parameter.
    public static func redact(_ text: String) -> String {
        var result = text
        if let scheme = result.range(of: "://") {
            let rest = result[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
               let colon = rest[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        if let query = result.firstIndex(of: "?") {
            let parameters = result[result.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
            let cleaned = parameters.map { parameter -> String in
                parameter.lowercased().hasPrefix("password=") ? "password=***" : String(parameter)
            }
            result = String(result[...query]) + cleaned.joined(separator: "&")
        }
        return result
    }
}
