/// A resource's `when`: every named fact must match one of its values for the resource to apply on a host.
public struct WhenCondition: Sendable, Hashable {
    /// os, distro, arch, hostname -> the accepted values.
    public var facts: [String: [String]] = [:]
    /// Environment variables that must have these exact values.
    public var environment: [String: String] = [:]
    /// Environment variables that must be set (to anything non-empty).
    public var environmentSet: [String] = []
    /// Fleet groups, any of which the host must belong to (`when: {group: laptops}`); empty: no condition.
    public var groups: [String] = []

    /// The variable through which `tend fleet` tells the tend on a host which inventory groups it is in
    /// (comma-separated); a host outside any fleet is in no group.
    public static let groupsVariable = "TEND_FLEET_GROUPS"

    public init() {}

    static let archSynonyms: [String: String] = ["amd64": "x86_64", "arm64": "aarch64", "x64": "x86_64"]

    public func matches(_ host: HostFacts) -> Bool {
        for (name, accepted) in facts {
            let actual = host.value(of: name) ?? ""
            let ok = accepted.contains { value in
                if name == "arch" {
                    let a = Self.archSynonyms[value] ?? value
                    let b = Self.archSynonyms[actual] ?? actual
                    return a == b
                }
                if name == "os", value == "darwin" { return actual == "macos" }
                return value.lowercased() == actual.lowercased()
            }
            if !ok { return false }
        }
        for (name, value) in environment where host.environment[name] != value { return false }
        for name in environmentSet where (host.environment[name] ?? "").isEmpty { return false }
        if !groups.isEmpty {
            let member = Set((host.environment[Self.groupsVariable] ?? "").split(separator: ",").map(String.init))
            if !groups.contains(where: member.contains) { return false }
        }
        return true
    }
}
