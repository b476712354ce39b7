import Foundation
import TendCore

extension KnownHostsResource {
    static let schema = TypeSchema(
        name: "known-hosts", summary: "a host's SSH public key pinned in known_hosts (given, never learned on first use)",
        parameters: [
            ParameterSchema("host", .string, key: true,
                            summary: "the host name as ssh looks it up; [host]:port for another port", example: "github.com"),
            ParameterSchema("keyType", .string, required: true, modifiable: false, summary: "the key's type",
                            example: "ssh-ed25519"),
            ParameterSchema("key", .string, required: true, summary: "the key, base64, as the host publishes it",
                            example: "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"),
            ParameterSchema("path", .path, default: .string("~/.ssh/known_hosts"), modifiable: false,
                            summary: "the known_hosts file", example: "~/.ssh/known_hosts"),
        ],
        example: """
        - type: known-hosts
          host: github.com
          keyType: ssh-ed25519
          key: AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
        """,
        valueCheck: { resource, _ in checks(resource) })

    static func checks(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let host = resource.parameters["host"]?.stringValue ?? resource.address.key
        if host.isEmpty || host.contains(where: { $0.isWhitespace || $0 == "," || $0 == "*" || $0 == "?" })
            || ["|", "@", "#", "!"].contains(where: host.hasPrefix) {
            problems.append(ValueProblem("host", "'\(host)' is not one host name (no blanks, commas, wildcards, or "
                + "leading '|', '@', '#', '!')", hint: "one resource per host, e.g. github.com or [git.example.com]:2222"))
        }
        guard let keyType = resource.parameters["keyType"]?.stringValue,
              let key = resource.parameters["key"]?.stringValue else { return problems }
        // The blob starts with its own type (RFC 4253 string): a key pasted under the wrong type never matches.
        guard let blob = Data(base64Encoded: key), blob.count > 4 else {
            problems.append(ValueProblem("key", "the key is not base64", hint: "copy the second field of 'ssh-keyscan HOST' output"))
            return problems
        }
        let bytes = Array(blob)
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        let named = length <= bytes.count - 4 ? String(decoding: bytes[4..<(4 + length)], as: UTF8.self) : nil
        if named != keyType {
            problems.append(ValueProblem("key", "the key is a \(named ?? "malformed") key, not \(keyType)",
                                         hint: "set keyType to the type in the key itself"))
        }
        return problems
    }
}
