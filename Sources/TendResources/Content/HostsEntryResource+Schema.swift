import Foundation
import TendCore

extension HostsEntryResource {
    static let schema = TypeSchema(
        name: "hosts-entry", summary: "an address and its names in /etc/hosts (editing the system's file needs root)",
        parameters: [
            ParameterSchema("ip", .string, key: true, summary: "the IPv4 or IPv6 address", example: "10.0.0.5"),
            ParameterSchema("names", .list(.string), required: true,
                            summary: "the names the address gets, canonical name first", example: "[db.internal, db]"),
            ParameterSchema("path", .path, default: .string("/etc/hosts"), modifiable: false,
                            summary: "the hosts file", example: "/etc/hosts"),
        ],
        example: """
        - type: hosts-entry
          ip: 10.0.0.5
          names: [db.internal, db]
        """,
        valueCheck: { resource, _ in checks(resource) })

    static func checks(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let ip = resource.parameters["ip"]?.stringValue ?? resource.address.key
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, ip, &v4) != 1 && inet_pton(AF_INET6, ip, &v6) != 1 {
            problems.append(ValueProblem("ip", "'\(ip)' is not an IPv4 or IPv6 address", hint: "write it like 10.0.0.5 or fd00::5"))
        }
        let names = resource.parameters["names"]?.listValue?.map(\.text) ?? []
        if resource.ensure == .present && names.isEmpty {
            problems.append(ValueProblem("names", "a hosts entry needs at least one name"))
        }
        for name in names where name.isEmpty || name.hasPrefix("-") || !name.unicodeScalars.allSatisfy({
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "_" }) {
            problems.append(ValueProblem("names", "'\(name)' is not a host name (letters, digits, '.', '-', '_')",
                                         hint: "write names like db.internal"))
        }
        return problems
    }
}
