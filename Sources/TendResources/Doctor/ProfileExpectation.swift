import TendCore

/// What an interactive shell that loaded tend's profile has: the config's variables, aliases and PATH entries
/// (by name and directory only; values are the user's and may be secret).
struct ProfileExpectation {
    var variables: [String] = []
    var aliases: [String] = []
    var directories: [String] = []

    init(_ config: Config, host: Machine) {
        for resource in config.resources where resource.ensure == .present {
            switch resource.type {
            case "env": resource.parameters["name"]?.stringValue.map { variables.append($0) }
            case "alias": resource.parameters["name"]?.stringValue.map { aliases.append($0) }
            case "path": directories.append(ResourcePaths.absolute(resource, "directory", home: host.home))
            default: continue
            }
        }
    }

    var count: Int { variables.count + aliases.count + directories.count }

    /// What `seen` lacks, each named as a user would look for it ("EDITOR", "alias gs", "~/bin on PATH").
    func missing(from seen: ShellSight, shell: String) -> [String] {
        var missing = variables.filter { seen.variables[$0] == nil }
        // fish gets no function for names it reserves, so their absence there is by design.
        let aliasNames = shell == "fish" ? aliases.filter { !ShellProfile.fishReservedAliasNames.contains($0) } : aliases
        missing += aliasNames.filter { !seen.aliases.contains($0) }.map { "alias \($0)" }
        let path = Set((seen.variables["PATH"] ?? "").split(separator: ":").map(String.init))
        missing += directories.filter { !path.contains($0) }.map { "\($0) on PATH" }
        return missing
    }
}
