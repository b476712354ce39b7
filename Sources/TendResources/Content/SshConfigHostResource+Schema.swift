import TendCore

extension SshConfigHostResource {
    static let schema = TypeSchema(
        name: "ssh-config-host", summary: "a Host block of the OpenSSH client config with its options",
        parameters: [
            ParameterSchema("host", .string, key: true, summary: "the Host line's patterns, as written after 'Host'",
                            example: "github.com"),
            ParameterSchema("options", .map, required: true,
                            summary: "keyword: value for each option of the block (the block gets exactly these)",
                            example: "{ User: git, IdentityFile: ~/.ssh/id_ed25519 }"),
            ParameterSchema("path", .path, default: .string("~/.ssh/config"), modifiable: false,
                            summary: "the config file", example: "~/.ssh/config"),
        ],
        example: """
        - type: ssh-config-host
          host: github.com
          options:
            User: git
            IdentityFile: ~/.ssh/id_ed25519
            IdentitiesOnly: "yes"
        """,
        valueCheck: { resource, _ in checks(resource) })

    static func checks(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let patterns = resource.parameters["host"]?.stringValue ?? resource.address.key
        if patterns.contains(where: \.isNewline) || patterns.contains("#") || patterns.trimmingBlanks.isEmpty {
            problems.append(ValueProblem("host", "'\(patterns)' is not a Host pattern list tend can write (no line "
                + "break or '#')", hint: "write the patterns as after 'Host', e.g. github.com or \"work-* !work-db\""))
        }
        for (keyword, value) in options(of: resource).sorted(by: { $0.key < $1.key }) {
            if keyword.isEmpty || !keyword.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) }) {
                problems.append(ValueProblem("options", "'\(keyword)' is not an ssh option keyword (letters and digits only)",
                                             hint: "see 'man ssh_config' for the keywords"))
            } else if ["host", "match", "include"].contains(keyword.lowercased()) {
                problems.append(ValueProblem("options", "'\(keyword)' cannot be an option inside a Host block",
                                             hint: "write one ssh-config-host per Host"))
            }
            if value.contains(where: \.isNewline) || value.trimmingBlanks.isEmpty {
                problems.append(ValueProblem("options", "the value of \(keyword) is empty or has a line break in it"))
            }
        }
        return problems
    }
}
