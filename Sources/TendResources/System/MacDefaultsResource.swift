import TendCore

/// `macos-defaults`: one key of a macOS user defaults domain, as `defaults write` sets it.
///
/// The address key is `DOMAIN:KEY` (one parameter, `key`): domains and keys hold dots, never a colon. Refresh runs
/// `defaults export DOMAIN -` once per domain the config names (macOS has no one listing of every domain's values
/// in a form a program reads) and parses the XML property list in process. The value a key had before tend first
/// changed it is kept, and put back on release while the key still holds what tend wrote.
public struct MacDefaultsResource: ApplyingResourceType {
    /// The last export, by `DOMAIN:KEY`, as `typed` text, for footprints.
    let listing = ListingCache()

    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let types = ["bool", "int", "float", "string"]

    static let schema = TypeSchema(
        name: "macos-defaults", summary: "a macOS user defaults key (defaults write); kept and put back on release",
        parameters: [
            ParameterSchema("key", .string, key: true,
                            summary: "DOMAIN:KEY, e.g. com.apple.dock:autohide or NSGlobalDomain:AppleShowAllExtensions",
                            example: "com.apple.dock:autohide"),
            ParameterSchema("value", .string, required: true,
                            summary: "the value as text: true or false, a number, or a string", example: "true"),
            ParameterSchema("valueType", .string, default: .string("string"), allowed: types,
                            summary: "how defaults stores it: bool, int, float or string", example: "bool"),
        ],
        example: """
        - type: macos-defaults
          key: com.apple.dock:autohide
          value: "true"
          valueType: bool
        """,
        valueCheck: { resource, _ in MacDefaultsResource.problems(resource) },
        keptByDefault: true)

    static func problems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if case .failure(let problem) = split(key(of: resource)) {
            problems.append(ValueProblem("key", problem.description, hint: "write the domain, a colon and the key, e.g. com.apple.dock:tilesize"))
        }
        if resource.ensure == .present, let value = resource.parameters["value"]?.stringValue,
           let problem = valueProblem(value, type: valueType(of: resource)) {
            problems.append(ValueProblem("value", problem))
        }
        return problems
    }

    static func key(of resource: ResourceSpec) -> String {
        resource.parameters["key"]?.stringValue ?? resource.address.key
    }

    static func valueType(of resource: ResourceSpec) -> String {
        resource.parameters["valueType"]?.stringValue ?? "string"
    }

    /// The domain and key of `DOMAIN:KEY`. `defaults` has no `--`, so neither may start with `-`.
    static func split(_ text: String) -> Result<(domain: String, key: String), SettingNameProblem> {
        guard let colon = text.firstIndex(of: ":") else { return .failure(SettingNameProblem("'\(text)' is not DOMAIN:KEY")) }
        let domain = String(text[..<colon]), key = String(text[text.index(after: colon)...])
        for (noun, name) in [("domain", domain), ("key", key)] {
            if name.isEmpty || name.hasPrefix("-") || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return .failure(SettingNameProblem("'\(name)' in '\(text)' is not a defaults \(noun) (empty, starting with '-', or with a control character)"))
            }
        }
        if domain.contains("/") { return .failure(SettingNameProblem("'\(domain)' is a path; write the domain name, e.g. com.apple.dock")) }
        return .success((domain, key))
    }

    /// Why `value` is not a `type` value, or nil.
    static func valueProblem(_ value: String, type: String) -> String? {
        switch type {
        case "bool": return ["true", "false"].contains(value) ? nil : "'\(value)' is not true or false"
        case "int": return Int64(value) == nil ? "'\(value)' is not a whole number" : nil
        case "float": return Double(value).map { $0.isFinite } == true ? nil : "'\(value)' is not a number"
        default: return value.unicodeScalars.contains { $0.value == 0 } ? "the value holds a NUL byte" : nil
        }
    }

    /// Parses `defaults export DOMAIN -` (an XML property list whose top level is a dictionary) into `TYPE TEXT`
    /// values; an empty output is an empty domain.
    static func parse(export bytes: [UInt8], domain: String) throws -> [String: String] {
        let text = String(decoding: bytes, as: UTF8.self)
        if GVariantText.trimmed(text).isEmpty { return [:] }
        do {
            return try PlistXML.topLevel(text).mapValues(\.typed)
        } catch {
            throw SystemSettingError.unexpectedOutput(command: "defaults export \(domain) -", detail: "\(error)")
        }
    }

    /// The typed text of what the config asks for, with numbers in the form `typed` prints them.
    static func wanted(_ resource: ResourceSpec) -> String? {
        guard let value = resource.parameters["value"]?.text else { return nil }
        let type = valueType(of: resource)
        switch type {
        case "int": return Int64(value).map { "int \($0)" } ?? "int " + value
        case "float": return Double(value).map { "float \($0)" } ?? "float " + value
        default: return type + " " + value
        }
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var domains: [String: [String: String]] = [:]
        var flat: [String: String] = [:]
        for resource in resources {
            guard case .success(let (domain, _)) = Self.split(Self.key(of: resource)), domains[domain] == nil else { continue }
            let result = try await host.runner.run(Command(["defaults", "export", domain, "-"], timeout: 60)).check()
            domains[domain] = try Self.parse(export: result.standardOutput, domain: domain)
            for (key, value) in domains[domain]! { flat[domain + ":" + key] = value }
        }
        listing.replace(flat)
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let name = Self.key(of: resource)
            guard let typed = flat[name] else {
                observations[resource.address] = .absent("not set")
                continue
            }
            // In the config's spelling when it is the same value and type, so that "1.0" and "1" are no change.
            let storedType = String(typed.prefix { $0 != " " })
            if typed == Self.wanted(resource), let written = resource.parameters["value"] {
                observations[resource.address] = .present(["value": written, "valueType": .string(storedType)])
            } else {
                observations[resource.address] = .present(["value": .string(typed), "valueType": .string(storedType)],
                                                          note: "now \(typed)")
            }
        }
        return observations
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let name = Self.key(of: resource)
        let wanted = Self.wanted(resource) ?? "(unset)"
        switch operation {
        case .create:
            return "Set defaults \(name) to \(wanted) (defaults write)"
        case .modify, .recreate:
            let before = observation?.parameters["value"]?.text ?? "(unknown)"
            return "Change defaults \(name) from \(before) to \(wanted) (defaults write)"
        case .destroy:
            return "Delete defaults \(name) (defaults delete)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String { "defaults \(Self.key(of: resource))" }

    public var keepsOriginals: Bool { true }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        guard let listed = listing.lookup(Self.key(of: resource)) else { return "value (not listed yet)" }
        return PathFootprint.value(listed)
    }
}
