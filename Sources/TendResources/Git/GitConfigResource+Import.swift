import TendCore

/// `tend import git-config`: every key of the global git configuration, with the value `git config --get`
/// gives, read from the same files refresh reads. A key set more than once (`remote.origin.fetch`,
/// `include.path`) is left out: one git-config resource sets one value, and applying it would drop the others.
/// Keys that usually hold a secret are written with `sensitive: [value]`, so no plan shows them.
extension GitConfigResource: ImportingResourceType {
    public func inventory(host: Machine) async throws -> [DiscoveredResource] {
        let config = try Self.globalConfig(host: host)
        var counts: [String: Int] = [:]
        for entry in config.entries { counts[entry.key, default: 0] += 1 }
        return counts.keys.sorted().compactMap { key in
            guard counts[key] == 1, Self.keyProblem(key) == nil, let value = config.value(for: key) else { return nil }
            var parameters: [String: Value] = ["key": .string(key), "value": .string(value)]
            if Self.looksSecret(key) { parameters["sensitive"] = .list([.string("value")]) }
            return DiscoveredResource(parameters: parameters)
        }
    }

    /// True for keys whose values are usually credentials (`github.token`, `http.extraHeader`, `*.password`).
    static func looksSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["token", "password", "secret", "extraheader", "credential"].contains { lowered.contains($0) }
    }
}
