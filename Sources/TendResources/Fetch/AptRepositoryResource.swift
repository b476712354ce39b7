import TendCore

/// An apt repository: a deb822 `.sources` file in /etc/apt/sources.list.d and its keyring in /etc/apt/keyrings,
/// the key fetched from `keyUrl` and installed only when its fingerprint is the pinned one.
///
/// Refresh runs no process: one read of each resource's two files. The `.sources` file's first line records the
/// keyring's digest and the fingerprint tend checked; a keyring that no longer has that digest is reported as a
/// change. Apply writes both files, then runs one `apt-get update` for the batch.
public struct AptRepositoryResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "apt-repository", summary: "an apt repository (a deb822 .sources file) with its key, pinned by fingerprint",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the name of the .sources and keyring files", example: "nodesource"),
            ParameterSchema("uris", .list(.string), required: true, comparison: .unorderedList,
                            summary: "the repository's URIs", example: "[https://deb.nodesource.com/node_20.x]"),
            ParameterSchema("suites", .list(.string), required: true, comparison: .unorderedList,
                            summary: "suites (distributions), or ./ for a flat repository", example: "[nodistro]"),
            ParameterSchema("components", .list(.string), comparison: .unorderedList, summary: "components", example: "[main]"),
            ParameterSchema("architectures", .list(.string), comparison: .unorderedList,
                            summary: "architectures to fetch indexes for", example: "[amd64]"),
            ParameterSchema("keyUrl", .string, required: true,
                            summary: "where to download the signing key (armored or binary)",
                            example: "https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key"),
            ParameterSchema("fingerprint", .string, required: true,
                            summary: "the key's full fingerprint; a key with another one is refused before any file is written",
                            example: "6F71F525282841EEDAF851B42F59B5F99B1BE0B4"),
        ],
        example: """
        - type: apt-repository
          name: nodesource
          uris: [https://deb.nodesource.com/node_20.x]
          suites: [nodistro]
          components: [main]
          keyUrl: https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key
          fingerprint: 6F71F525282841EEDAF851B42F59B5F99B1BE0B4
        """,
        valueCheck: { resource, _ in valueProblems(resource) })

    static func valueProblems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let name = resource.parameters["name"]?.stringValue ?? resource.address.key
        if name.isEmpty || name.count > 100 || name.hasPrefix(".") || !name.unicodeScalars.allSatisfy({
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "." }) {
            problems.append(ValueProblem("name", "repository name '\(name)' is not lowercase letters, digits, '.', '_' and '-'"))
        }
        for parameter in ["uris", "suites", "components", "architectures"] {
            for value in resource.parameters[parameter]?.listValue ?? [] {
                if let problem = AptSourcesFile.wordProblem(value.text, parameter: parameter) {
                    problems.append(ValueProblem(parameter, problem))
                }
            }
        }
        if let url = resource.parameters["keyUrl"]?.stringValue, let problem = HTTPFetch.urlProblem(url) {
            problems.append(ValueProblem("keyUrl", problem))
        }
        if let fingerprint = resource.parameters["fingerprint"]?.stringValue,
           AptSourcesFile.normalizedFingerprint(fingerprint) == nil {
            problems.append(ValueProblem("fingerprint", "fingerprint '\(fingerprint)' is not a full key fingerprint (40 hex digits)",
                                         hint: "copy it from gpg --show-keys on a key you trust; short key ids are not enough"))
        }
        return problems
    }

    static func name(of resource: ResourceSpec) -> String {
        resource.parameters["name"]?.stringValue ?? resource.address.key
    }

    static func sourcesPath(_ name: String) -> String { AptSourcesFile.directory + "/" + name + ".sources" }
    static func keyringPath(_ name: String) -> String { AptSourcesFile.keyrings + "/" + name + ".gpg" }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            observations[resource.address] = observe(resource, host: host)
        }
        return observations
    }

    func observe(_ resource: ResourceSpec, host: Machine) -> Observation {
        let name = Self.name(of: resource)
        guard let bytes = read(Self.sourcesPath(name), files: host.files) else { return .absent("no \(name).sources") }
        guard let sources = AptSourcesFile.parse(String(decoding: bytes, as: UTF8.self)) else {
            return .present(["uris": .string("(not a deb822 file)")], note: "\(Self.sourcesPath(name)) is not one deb822 stanza")
        }
        var parameters: [String: Value] = [
            "uris": .list(sources.uris.map(Value.string)), "suites": .list(sources.suites.map(Value.string)),
            "components": .list(sources.components.map(Value.string)),
            "architectures": .list(sources.architectures.map(Value.string)),
        ]
        if let url = resource.parameters["keyUrl"] { parameters["keyUrl"] = url }
        let desired = resource.parameters["fingerprint"]?.stringValue
        let keyring = read(Self.keyringPath(name), files: host.files)
        if sources.signedBy == Self.keyringPath(name), let keyring, let recorded = sources.fingerprint,
           SHA256.hex(HTTPFetch.digestBytes(keyring)) == sources.keyringDigest {
            parameters["fingerprint"] = desired.flatMap(AptSourcesFile.normalizedFingerprint) == recorded
                ? .string(desired!) : .string(recorded)
            return .present(parameters)
        }
        parameters["fingerprint"] = ResourcePaths.unequal("(keyring missing or changed)", desired: desired.map(Value.string),
                                                          comparison: .exact)
        return .present(parameters, note: "the keyring is not the one tend checked")
    }

    private func read(_ path: String, files: FileSystem) -> [UInt8]? {
        guard let status = files.status(path), status.kind == .file, status.size <= 1 << 20 else { return nil }
        return files.readEntry(path)
    }

    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        host.isRoot ? [] : [ValueProblem("name", "apt-repository writes /etc/apt, which needs root; tend runs as \(host.facts.user)",
                                         hint: "run tend as root (sudo tend apply)")]
    }

    public func subject(of resource: ResourceSpec) -> String { "apt repository \(Self.name(of: resource))" }

    /// Both files together: rule 1 sees an edit of either.
    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        let name = Self.name(of: resource)
        let sources = read(Self.sourcesPath(name), files: host.files)
        let keyring = read(Self.keyringPath(name), files: host.files)
        guard sources != nil || keyring != nil else { return nil }
        return Self.footprint(sources: sources, keyring: keyring)
    }

    static func footprint(sources: [UInt8]?, keyring: [UInt8]?) -> String {
        "apt-repository " + SHA256.digest((sources.map { SHA256.digest($0) } ?? "-") + " " + (keyring.map { SHA256.digest($0) } ?? "-"))
    }

    public var keepsOriginals: Bool { true }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let name = Self.name(of: resource)
        switch operation {
        case .create:
            return "Add apt repository \(name) (\(Self.sourcesPath(name)) and its key, checked against the pinned fingerprint), then apt-get update"
        case .destroy:
            return "Remove apt repository \(name) (\(Self.sourcesPath(name)) and \(Self.keyringPath(name))), then apt-get update"
        case .release:
            return "Stop managing apt repository \(name) (left as it is)"
        case .modify, .recreate:
            return "Update apt repository \(name): " + changes.map(\.name).joined(separator: ", ") + ", then apt-get update"
        }
    }
}
