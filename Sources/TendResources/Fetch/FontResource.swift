import TendCore

/// A font file in the user's font directory (~/.local/share/fonts on Linux, ~/Library/Fonts on macOS), downloaded
/// from `url` and pinned by `sha256`, or copied from a local `source`.
///
/// Refresh runs no process: one `lstat` and one read per font. Apply places each file by handle (what was there
/// and not tend's kept in backups first), then runs one `fc-cache` for the whole batch where fontconfig is.
public struct FontResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "font", summary: "a font file in the user's font directory, then one fc-cache",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the file's name in the font directory",
                            example: "JetBrainsMono-Regular.ttf"),
            ParameterSchema("url", .string, summary: "where to download it from (http or https); needs sha256",
                            example: "https://example.com/fonts/JetBrainsMono-Regular.ttf"),
            ParameterSchema("sha256", .string, summary: "the file's SHA-256 digest in hex; a download that differs is refused",
                            example: "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1"),
            ParameterSchema("source", .path, summary: "a local font file to copy, relative to the config file",
                            example: "./fonts/Custom.otf"),
        ],
        rules: [.mutuallyExclusive(["url", "source"]), .oneRequired(["url", "source"])],
        example: """
        - type: font
          name: JetBrainsMono-Regular.ttf
          url: https://example.com/fonts/JetBrainsMono-Regular.ttf
          sha256: a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1
        """,
        valueCheck: { resource, _ in valueProblems(resource) })

    static func valueProblems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let name = resource.parameters["name"]?.stringValue ?? resource.address.key
        if name.isEmpty || name == "." || name == ".." || name.contains("/") || name.contains("\0") || name.hasPrefix(".") {
            problems.append(ValueProblem("name", "font name '\(name)' is not a plain file name"))
        }
        if let url = resource.parameters["url"]?.stringValue {
            if let problem = HTTPFetch.urlProblem(url) { problems.append(ValueProblem("url", problem)) }
            if resource.parameters["sha256"] == nil {
                problems.append(ValueProblem("url", "a font from a url needs its sha256", hint: "add sha256: with the file's digest"))
            }
        }
        if let digest = resource.parameters["sha256"]?.stringValue, let problem = HTTPFetch.digestProblem(digest) {
            problems.append(ValueProblem("sha256", problem))
        }
        return problems
    }

    static func directory(host: Machine) -> String {
        host.facts.os == "macos" ? host.home + "/Library/Fonts" : host.home + "/.local/share/fonts"
    }

    static func path(of resource: ResourceSpec, host: Machine) -> String {
        directory(host: host) + "/" + (resource.parameters["name"]?.stringValue ?? resource.address.key)
    }

    /// The bytes of a `source` font, bounded.
    static func sourceBytes(_ resource: ResourceSpec) throws -> [UInt8]? {
        guard let source = resource.parameters["source"]?.stringValue else { return nil }
        do {
            return try RegularFileReader.read(source, limit: HTTPFetch.limit)
        } catch {
            throw ApplyFailure("font source \(error)")
        }
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let path = Self.path(of: resource, host: host)
            guard let status = host.files.status(path) else { continue }
            var parameters: [String: Value] = [:]
            for name in ["url", "source"] { if let value = resource.parameters[name] { parameters[name] = value } }
            let desired = resource.parameters["sha256"]?.stringValue
            guard status.kind == .file, status.size <= HTTPFetch.limit, let bytes = host.files.readEntry(path) else {
                parameters["sha256"] = ResourcePaths.unequal("(\(status.kind.noun))", desired: desired.map(Value.string), comparison: .exact)
                parameters["source"] = resource.parameters["source"].map {
                    ResourcePaths.unequal("(\(status.kind.noun))", desired: $0, comparison: .path) }
                observations[resource.address] = .present(parameters, note: "not a readable font file")
                continue
            }
            let actual = SHA256.hex(HTTPFetch.digestBytes(bytes))
            if let desired {
                parameters["sha256"] = HTTPFetch.normalizedDigest(desired) == actual ? .string(desired) : .string(actual)
            }
            if let source = resource.parameters["source"], (try? Self.sourceBytes(resource)) != bytes {
                parameters["source"] = ResourcePaths.unequal("(different content)", desired: source, comparison: .path)
            }
            observations[resource.address] = .present(parameters)
        }
        return observations
    }

    public func subject(of resource: ResourceSpec) -> String { "font \(resource.address.key)" }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        PathFootprint.of(Self.path(of: resource, host: host), files: host.files)
    }

    public var keepsOriginals: Bool { true }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let name = resource.address.key
        let from = resource.parameters["url"]?.text ?? resource.parameters["source"]?.text ?? "its source"
        switch operation {
        case .create: return "Install font \(name) from \(from), then fc-cache"
        case .destroy: return "Remove font \(name), then fc-cache"
        case .release: return "Stop managing font \(name) (left as it is)"
        case .modify, .recreate: return "Replace font \(name) with \(from) (its content differs), then fc-cache"
        }
    }
}
