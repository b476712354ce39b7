import TendCore

/// `dconf`: one key in the user's dconf database (`~/.config/dconf/user`), for settings no installed schema
/// describes, or when a path is easier to find than a schema.
///
/// Refresh runs `dconf dump /` once for every resource (a read of the database, no session bus); a key that is not
/// set there is absent. A value that was there before tend first changed it is kept (a `value` backup) and put
/// back on release while the key still holds what tend set; a key tend set from nothing is reset when it leaves
/// the config, and `ensure: absent` resets a key (keeping its value first).
public struct DconfResource: ApplyingResourceType {
    /// The last dump, by key path, for footprints.
    let listing = ListingCache()

    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "dconf", summary: "a key in the user's dconf database, set with dconf write; kept and put back on release",
        parameters: [
            ParameterSchema("path", .string, key: true,
                            summary: "the key's path: starts with / and does not end with it", example: "/org/gnome/desktop/interface/clock-format"),
            ParameterSchema("value", .string, required: true,
                            summary: "the value as GVariant text, as 'dconf read' prints it: 'text', true, 5, ['a', 'b']",
                            example: "'24h'"),
        ],
        example: """
        - type: dconf
          path: /org/gnome/desktop/interface/clock-format
          value: "'24h'"
        """,
        valueCheck: { resource, _ in DconfResource.problems(resource) })

    static func problems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if let problem = pathProblem(path(of: resource)) {
            problems.append(ValueProblem("path", problem, hint: "write a key path as 'dconf dump /' shows it, e.g. /org/gnome/desktop/interface/clock-format"))
        }
        if resource.ensure == .present, let value = resource.parameters["value"]?.stringValue, let problem = GVariantText.problem(value) {
            problems.append(ValueProblem("value", problem))
        }
        return problems
    }

    static func path(of resource: ResourceSpec) -> String {
        resource.parameters["path"]?.stringValue ?? resource.address.key
    }

    /// Why dconf would refuse `path` as a key, or nil (dconf's own rules: a leading slash, no trailing one, no
    /// empty component); a path starts with `/`, so dconf never reads it as an option.
    static func pathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/"), !path.hasSuffix("/"), !path.contains("//") else {
            return "'\(path)' is not a dconf key path (it starts with / and does not end with /)"
        }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == " " }) {
            return "'\(path)' holds a space or a control character"
        }
        return nil
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        let result = try await host.runner.run(Command(["dconf", "dump", "/"], timeout: 60)).check()
        if result.truncated {
            throw SystemSettingError.unexpectedOutput(command: "dconf dump /", detail: "more output than tend keeps")
        }
        let values = Self.parse(dump: result.output)
        listing.replace(values)
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let path = Self.path(of: resource)
            if let printed = values[path] {
                observations[resource.address] = .present(["value": .string(GsettingsResource.shown(printed, for: resource))])
            } else {
                observations[resource.address] = .absent("not set")
            }
        }
        return observations
    }

    /// Parses `dconf dump` output, a key file: `[dir]` groups (`[/]` for the root) of `key=value` lines.
    static func parse(dump: String) -> [String: String] {
        var values: [String: String] = [:]
        var directory = "/"
        for line in dump.split(separator: "\n") {
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast()
                directory = name == "/" ? "/" : "/" + name + "/"
            } else if let equals = line.firstIndex(of: "=") {
                values[directory + line[..<equals]] = String(line[line.index(after: equals)...])
            }
        }
        return values
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let path = Self.path(of: resource)
        let value = resource.parameters["value"]?.text ?? "(unset)"
        switch operation {
        case .create:
            return "Set dconf \(path) to \(value) (dconf write)"
        case .modify, .recreate:
            let before = observation?.parameters["value"]?.text ?? "(unknown)"
            return "Change dconf \(path) from \(before) to \(value) (dconf write)"
        case .destroy:
            return "Reset dconf \(path) (dconf reset)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String { "dconf \(Self.path(of: resource))" }

    public var keepsOriginals: Bool { true }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        guard let listed = listing.lookup(Self.path(of: resource)) else { return "value (not listed yet)" }
        return PathFootprint.value(listed.map(GVariantText.trimmed))
    }

    /// A hint for a write that failed without a session bus, the usual reason.
    static func busHint(_ host: Machine) -> String {
        host.facts.environment["DBUS_SESSION_BUS_ADDRESS"] == nil
            ? " (no D-Bus session: run tend inside the desktop session, or under dbus-run-session)" : ""
    }
}
