import Foundation

/// Replaces the secrets of the resources a change works on wherever text about it leaves tend: command
/// lines logged with `-v`, failure messages, reports. Built from each resource's sensitive parameters (every
/// item of a sensitive list, every value of a sensitive mapping such as a script's `environment`).
public struct SecretRedactor: Sendable {
    /// Longest first, so that a secret containing another is replaced whole.
    public private(set) var secrets: [String]

    public init(_ resources: [ResourceSpec]) {
        var found = Set<String>()
        for resource in resources {
            for name in resource.sensitive {
                guard let value = resource.parameters[name] else { continue }
                Self.collect(value, into: &found)
            }
        }
        secrets = found.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// True when none of the resources has a sensitive value set.
    public var isEmpty: Bool { secrets.isEmpty }

    /// `text` with every secret written as `(sensitive)`.
    public func redact(_ text: String) -> String {
        let present = secrets.filter { text.contains($0) }
        guard !present.isEmpty else { return text }
        // One pass, longest secret first at each position: a short secret never rewrites "(sensitive)" itself.
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            if let secret = present.first(where: { text[index...].hasPrefix($0) }) {
                result += "(sensitive)"
                index = text.index(index, offsetBy: secret.count)
            } else {
                result.append(text[index])
                index = text.index(after: index)
            }
        }
        return result
    }

    /// A failure message of a sensitive resource: its first line, redacted; what a command printed (the lines
    /// after it) is not kept, because it may hold a secret in a form tend cannot recognise.
    public func failureMessage(_ message: String) -> String {
        guard !secrets.isEmpty else { return message }
        guard let newline = message.firstIndex(of: "\n") else { return redact(message) }
        return redact(String(message[..<newline])) + " " + SecretRedactor.outputNote
    }

    /// What a report holds instead of the output of a sensitive resource's command.
    public static let outputNote = "(output of a sensitive resource is not kept)"

    private static func collect(_ value: Value, into found: inout Set<String>) {
        switch value {
        case .string(let text) where !text.isEmpty: found.insert(text)
        case .list(let items): for item in items { collect(item, into: &found) }
        case .map(let map): for item in map.values { collect(item, into: &found) }
        case .int, .bool, .null, .string: break
        }
    }
}
