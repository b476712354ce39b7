import Foundation
import TendCore

/// `known-hosts`: a host's public key pinned in `~/.ssh/known_hosts`, given in the config (no trust on first use:
/// tend never connects to learn a key). Entries `ssh-keygen -H` hashed are recognised as the host's. A changed
/// key replaces only the key field; removing takes out the line, or only the host's name from a shared line.
public struct KnownHostsResource: ContentResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    var newFileMode: Int { 0o600 }
    var newDirectoryMode: Int { 0o700 }

    static func host(of resource: ResourceSpec) -> String {
        resource.parameters["host"]?.stringValue ?? resource.address.key
    }

    static func keyType(of resource: ResourceSpec) -> String { resource.parameters["keyType"]?.stringValue ?? "" }

    static func key(of resource: ResourceSpec) -> String { resource.parameters["key"]?.stringValue ?? "" }

    func fragment(of resource: ResourceSpec, in text: String, path: String) throws -> String? {
        KnownHostsDocument(text).entries(host: Self.host(of: resource), keyType: Self.keyType(of: resource)).last?.key
    }

    func desiredFragment(of resource: ResourceSpec) throws -> String { Self.key(of: resource) }

    func observe(_ resource: ResourceSpec, in text: String, path: String, shownPath: String) throws -> Observation {
        guard let current = try fragment(of: resource, in: text, path: path) else {
            return .absent("no \(Self.keyType(of: resource)) key for \(Self.host(of: resource)) in \(shownPath)")
        }
        return .present(["key": .string(current), "keyType": .string(Self.keyType(of: resource))])
    }

    func placing(_ resource: ResourceSpec, in text: String, path: String) throws -> String {
        var document = KnownHostsDocument(text)
        if document.entries(host: Self.host(of: resource), keyType: Self.keyType(of: resource)).last?.key
            == Self.key(of: resource) { return text }
        document.set(host: Self.host(of: resource), keyType: Self.keyType(of: resource), key: Self.key(of: resource))
        return document.text
    }

    func removing(_ resource: ResourceSpec, from text: String, path: String) throws -> String {
        var document = KnownHostsDocument(text)
        document.remove(host: Self.host(of: resource), keyType: Self.keyType(of: resource))
        return document.text
    }

    func restoring(_ original: String, for resource: ResourceSpec, in text: String, path: String) throws -> String {
        var document = KnownHostsDocument(text)
        document.set(host: Self.host(of: resource), keyType: Self.keyType(of: resource), key: original)
        return document.text
    }

    func noun(for resource: ResourceSpec) -> String {
        "the \(Self.keyType(of: resource)) key of \(Self.host(of: resource))"
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let file = shownPath(of: resource)
        switch operation {
        case .create:
            return "Pin \(noun(for: resource)) in \(file)"
        case .modify, .recreate:
            return "Replace \(noun(for: resource)) in \(file) with the one in the config"
        case .destroy:
            return "Remove \(noun(for: resource)) from \(file)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }
}
