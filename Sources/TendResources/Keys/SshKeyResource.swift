import Foundation
import TendCore

/// `ssh-key`: an SSH key pair.
///
/// Refresh reads the key files in process, without ssh-keygen: the key is present when its private key file
/// exists; `PATH.pub` gives the key type and the comment. When `PATH.pub` is missing, the public half is read
/// from an OpenSSH-format private key, whose public key is stored in the clear even when a passphrase protects
/// the rest; the comment is then unknown.
public struct SshKeyResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.sshKey }

    /// The key type reported for a path that is not a key file: no type equals it, so the plan replaces it.
    public static let notAKey = "(not a key file)"

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            guard let path = resource.parameters["path"]?.stringValue else { continue }
            observations[resource.address] = Self.inspect(path: path, files: host.files)
        }
        return observations
    }

    /// What is at `path` (absolute, the private key): absent, or present with `keyType` and `comment`.
    public static func inspect(path: String, files: FileSystem) -> Observation {
        guard let status = files.status(path) else { return .absent("does not exist") }
        if status.kind == .directory {
            return .present(["keyType": .string(notAKey)], note: "exists and is a directory")
        }
        if let text = files.readText(path + ".pub") {
            guard let key = SshPublicKey(line: text) else {
                return .present([:], note: "\(path).pub is not an SSH public key")
            }
            return .present(["keyType": .string(key.keyType), "comment": .string(key.comment)])
        }
        if let bytes = files.read(path), let key = SshPublicKey(privateKey: bytes) {
            return .present(["keyType": .string(key.keyType)], note: "\(path).pub is missing")
        }
        return .present([:], note: "\(path).pub is missing and the private key's type cannot be read")
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let path = resource.address.key
        let keyType = resource.parameters["keyType"]?.text ?? schema.parameter("keyType")?.defaultValue?.text ?? "ed25519"
        switch operation {
        case .create:
            return "Generate \(keyType) key \(path)"
        case .modify:
            // Apply rewrites both files, so it keeps both first, whoever made the key: the plan says so.
            let kept = " (both files kept in backups first)"
            if changes.map(\.name) == ["comment"] { return "Change comment of \(path)" + kept }
            return "Update key \(path): " + changes.map(\.name).joined(separator: ", ") + kept
        case .recreate:
            let current = observation?.parameters["keyType"]?.stringValue
            if let current, current != Self.notAKey { return "Replace \(current) key \(path) with a new \(keyType) key" }
            return "Replace \(path) with a new \(keyType) key"
        case .destroy:
            return "Delete key \(path) and \(path).pub (both kept in backups first)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String { "key \(resource.address.key)" }
}
