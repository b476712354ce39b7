import TendCore

/// `gsettings`: one key of an installed GSettings schema (GNOME and GTK settings), as `gsettings` sets it.
///
/// The address key is `SCHEMA.KEY` (one parameter, `key`): a GSettings key name never holds a dot, so the last
/// dot splits the schema from the key. Refresh runs `gsettings list-recursively` once for every resource (it reads
/// the dconf database without a session bus). A key always has a value (its default until set), so a first
/// change adopts it: the value it had is kept, and leaving the config puts it back while the key still holds the
/// value tend set (the type is kept by default: `keep: false` resets the key instead).
public struct GsettingsResource: ApplyingResourceType {
    /// The last listing, by `SCHEMA.KEY`, for footprints.
    let listing = ListingCache()

    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "gsettings", summary: "a GSettings key (GNOME, GTK), set with gsettings; kept and put back on release",
        parameters: [
            ParameterSchema("key", .string, key: true,
                            summary: "SCHEMA.KEY, e.g. org.gnome.desktop.interface.color-scheme (schemas: gsettings list-schemas)",
                            example: "org.gnome.desktop.interface.color-scheme"),
            ParameterSchema("value", .string, required: true,
                            summary: "the value as GVariant text, as 'gsettings get' prints it: 'text', true, 5, ['a', 'b']",
                            example: "'prefer-dark'"),
        ],
        example: """
        - type: gsettings
          key: org.gnome.desktop.interface.color-scheme
          value: "'prefer-dark'"
        """,
        valueCheck: { resource, _ in GsettingsResource.problems(resource) },
        keptByDefault: true)

    static func problems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if case .failure(let problem) = split(key(of: resource)) {
            problems.append(ValueProblem("key", problem.description, hint: "write the schema, a dot and the key, e.g. org.gnome.desktop.interface.clock-format"))
        }
        if let value = resource.parameters["value"]?.stringValue, let problem = GVariantText.problem(value) {
            problems.append(ValueProblem("value", problem))
        }
        return problems
    }

    static func key(of resource: ResourceSpec) -> String {
        resource.parameters["key"]?.stringValue ?? resource.address.key
    }

    /// The schema and key of `SCHEMA.KEY`; both names are checked so that neither can be read as an option (gsettings
    /// has no `--`) nor name a relocatable path (`SCHEMA:PATH`).
    static func split(_ text: String) -> Result<(schema: String, key: String), SettingNameProblem> {
        guard let dot = text.lastIndex(of: ".") else {
            return .failure(SettingNameProblem("'\(text)' is not SCHEMA.KEY"))
        }
        let schema = String(text[..<dot]), key = String(text[text.index(after: dot)...])
        let schemaOK = schema.first.map(\.isLetter) == true && schema.allSatisfy {
            $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
        let keyOK = key.first.map { $0.isLowercase } == true && key.allSatisfy {
            $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        guard schemaOK else { return .failure(SettingNameProblem("'\(schema)' in '\(text)' is not a schema id")) }
        guard keyOK else { return .failure(SettingNameProblem("'\(key)' in '\(text)' is not a GSettings key name")) }
        return .success((schema, key))
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        let values = try await Self.listAll(host: host)
        var flat: [String: String] = [:]
        for (schema, keys) in values { for (key, value) in keys { flat[schema + "." + key] = value } }
        listing.replace(flat)
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let text = Self.key(of: resource)
            guard case .success(let (schema, key)) = Self.split(text) else {
                observations[resource.address] = .absent("'\(text)' is not SCHEMA.KEY")
                continue
            }
            guard let keys = values[schema] else {
                observations[resource.address] = .absent("schema \(schema) is not installed")
                continue
            }
            guard let printed = keys[key] else {
                observations[resource.address] = .absent("schema \(schema) has no key \(key)")
                continue
            }
            observations[resource.address] = .present(["value": .string(Self.shown(printed, for: resource))])
        }
        return observations
    }

    /// The printed value, in the config's spelling when the two are the same value (`"x"` for `'x'`).
    static func shown(_ printed: String, for resource: ResourceSpec) -> String {
        if let written = resource.parameters["value"]?.stringValue, GVariantText.equivalent(written, printed) { return written }
        return printed
    }

    /// Every key of every installed schema, by schema and key: one `gsettings list-recursively`.
    static func listAll(host: Machine) async throws -> [String: [String: String]] {
        let result = try await host.runner.run(Command(["gsettings", "list-recursively"], timeout: 60)).check()
        if result.truncated {
            throw SystemSettingError.unexpectedOutput(command: "gsettings list-recursively", detail: "more output than tend keeps")
        }
        return parse(result.output)
    }

    /// Parses `SCHEMA KEY VALUE` lines (the value runs to the end of the line).
    static func parse(_ output: String) -> [String: [String: String]] {
        var values: [String: [String: String]] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            values[String(parts[0]), default: [:]][String(parts[1])] = String(parts[2])
        }
        return values
    }

    /// A schema that is not installed, or a key it does not have, is a plan problem: gsettings would refuse it.
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        guard let observation, !observation.exists, let note = observation.note else { return [] }
        return [ValueProblem("key", "gsettings \(Self.key(of: resource)): \(note)",
                             hint: "install the application that ships the schema; 'gsettings list-schemas' lists those installed")]
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let key = Self.key(of: resource)
        let value = resource.parameters["value"]?.text ?? "(unset)"
        switch operation {
        case .create:
            return "Set gsettings \(key) to \(value) (\(observation?.note ?? "not found"))"
        case .modify, .recreate:
            let before = observation?.parameters["value"]?.text ?? "(unknown)"
            return "Change gsettings \(key) from \(before) to \(value)"
        case .destroy:
            return "Reset gsettings \(key) to its default (gsettings reset)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String { "gsettings \(Self.key(of: resource))" }

    public var keepsOriginals: Bool { true }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        guard let listed = listing.lookup(Self.key(of: resource)) else { return "value (not listed yet)" }
        return PathFootprint.value(listed.map(GVariantText.trimmed))
    }
}
