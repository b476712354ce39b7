import Foundation
import TendCore

/// `ssh-config-host`: one `Host` block of the OpenSSH client config (`~/.ssh/config`) with the options the config
/// gives it. Only the block's body is tend's; the other blocks, global lines and comments stay byte for byte.
public struct SshConfigHostResource: ContentResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    var newFileMode: Int { 0o600 }
    var newDirectoryMode: Int { 0o700 }

    static func patterns(of resource: ResourceSpec) -> String {
        resource.parameters["host"]?.stringValue ?? resource.address.key
    }

    static func options(of resource: ResourceSpec) -> [String: String] {
        (resource.parameters["options"]?.mapValue ?? [:]).mapValues(\.text)
    }

    func fragment(of resource: ResourceSpec, in text: String, path: String) throws -> String? {
        SshConfigDocument(text).body(Self.patterns(of: resource))
    }

    func desiredFragment(of resource: ResourceSpec) throws -> String {
        SshConfigDocument.render(Self.options(of: resource)).joined(separator: "\n")
    }

    func observe(_ resource: ResourceSpec, in text: String, path: String, shownPath: String) throws -> Observation {
        let document = SshConfigDocument(text)
        let patterns = Self.patterns(of: resource)
        guard let current = document.options(patterns) else {
            return .absent("no 'Host \(patterns)' in \(shownPath)")
        }
        // Equal when each keyword (any case) has the desired value and no other keyword is there.
        let desired = Self.options(of: resource)
        let lowered = Dictionary(current.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        let equal = lowered.count == desired.count && desired.allSatisfy { lowered[$0.key.lowercased()] == $0.value }
        let reported: Value = equal ? (resource.parameters["options"] ?? .map([:])) : .map(current.mapValues { .string($0) })
        return .present(["options": reported])
    }

    func placing(_ resource: ResourceSpec, in text: String, path: String) throws -> String {
        var document = SshConfigDocument(text)
        let patterns = Self.patterns(of: resource)
        let body = SshConfigDocument.render(Self.options(of: resource))
        if document.body(patterns) == body.joined(separator: "\n") { return text }
        document.set(patterns, body: body)
        return document.text
    }

    func removing(_ resource: ResourceSpec, from text: String, path: String) throws -> String {
        var document = SshConfigDocument(text)
        document.remove(Self.patterns(of: resource))
        return document.text
    }

    func restoring(_ original: String, for resource: ResourceSpec, in text: String, path: String) throws -> String {
        var document = SshConfigDocument(text)
        document.set(Self.patterns(of: resource), body: original.isEmpty ? [] : TextLines(original + "\n").lines)
        return document.text
    }

    func noun(for resource: ResourceSpec) -> String { "'Host \(Self.patterns(of: resource))'" }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let file = shownPath(of: resource)
        let keywords = Self.options(of: resource).keys.sorted().joined(separator: ", ")
        switch operation {
        case .create:
            return "Add \(noun(for: resource)) (\(keywords)) to \(file)"
        case .modify, .recreate:
            return "Rewrite the options of \(noun(for: resource)) in \(file) (\(keywords))"
        case .destroy:
            return "Remove \(noun(for: resource)) and its options from \(file)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }
}
