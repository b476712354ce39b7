import TendCore

/// A file fetched from `url` and pinned by its `sha256`: the digest, not the URL, says whether the file is right.
///
/// Refresh runs no process: one `lstat` and one read per file, hashed. Apply downloads with `curl` (see
/// `HTTPFetch`) into a private directory, checks the digest before anything is placed, then writes the file by
/// handle (a temporary name, renamed), keeping what was there in backups first unless it is tend's own.
public struct DownloadResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "download", summary: "a file downloaded from a URL and pinned by its SHA-256 digest",
        parameters: [
            ParameterSchema("path", .path, key: true, summary: "where the file goes", example: "~/.local/bin/jq"),
            ParameterSchema("url", .string, required: true,
                            summary: "where to download it from (http or https)",
                            example: "https://example.com/jq-linux-amd64"),
            ParameterSchema("sha256", .string, required: true,
                            summary: "the file's SHA-256 digest in hex; a download that differs is refused",
                            example: "5942c9b0934e510ee61eb3e30273f1b3fe2590df93933a93d7c58b81d19c8ff5"),
            ParameterSchema("mode", .mode, summary: "permission bits in octal", example: "\"0755\""),
        ],
        example: """
        - type: download
          path: ~/.local/bin/jq
          url: https://github.com/jqlang/jq/releases/download/jq-1.7.1/jq-linux-amd64
          sha256: 5942c9b0934e510ee61eb3e30273f1b3fe2590df93933a93d7c58b81d19c8ff5
          mode: "0755"
        """,
        valueCheck: { resource, _ in valueProblems(resource) })

    /// The problems apply would refuse: a URL tend does not fetch, a digest that is not one.
    static func valueProblems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if let url = resource.parameters["url"]?.stringValue, let problem = HTTPFetch.urlProblem(url) {
            problems.append(ValueProblem("url", problem, hint: "write a full URL, e.g. https://example.com/tool.tar.gz"))
        }
        if let digest = resource.parameters["sha256"]?.stringValue, let problem = HTTPFetch.digestProblem(digest) {
            problems.append(ValueProblem("sha256", problem, hint: "run sha256sum on a copy you trust and paste its first word"))
        }
        return problems
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            observations[resource.address] = observe(resource, host: host)
        }
        return observations
    }

    func observe(_ resource: ResourceSpec, host: Machine) -> Observation {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        let desired = resource.parameters["sha256"]?.stringValue
        guard let status = host.files.status(path) else { return .absent("does not exist") }
        var parameters: [String: Value] = ["mode": .string(FileMode(bits: status.mode).description)]
        // The URL cannot be read back from a file; the digest stands for it.
        if let url = resource.parameters["url"] { parameters["url"] = url }
        guard status.kind == .file else {
            parameters["sha256"] = ResourcePaths.unequal("(\(ResourcePaths.noun(status.kind)))", desired: desired.map(Value.string),
                                                         comparison: .exact)
            return .present(parameters, note: ResourcePaths.occupiedNote(status.kind))
        }
        guard status.size <= HTTPFetch.limit, let bytes = host.files.readEntry(path) else {
            parameters["sha256"] = ResourcePaths.unequal("(\(status.size) bytes, not read)", desired: desired.map(Value.string),
                                                         comparison: .exact)
            return .present(parameters, note: "the file is unreadable or larger than the \(HTTPFetch.limit >> 20) MiB tend downloads")
        }
        let actual = SHA256.hex(HTTPFetch.digestBytes(bytes))
        // The user's spelling (upper case, a `sha256:` prefix) when the digests agree, so that the plan sees no change.
        if let desired, HTTPFetch.normalizedDigest(desired) == actual {
            parameters["sha256"] = .string(desired)
            return .present(parameters)
        }
        parameters["sha256"] = .string(actual)
        return .present(parameters, note: "the file's content differs from the pinned digest")
    }

    public func subject(of resource: ResourceSpec) -> String {
        ResourcePaths.shownPath(of: resource)
    }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        ResourcePaths.footprint(of: resource, host: host)
    }

    public var keepsOriginals: Bool { true }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let path = subject(of: resource)
        let url = resource.isSensitive("url") ? "(sensitive url)" : resource.parameters["url"]?.text ?? "its url"
        switch operation {
        case .create:
            return "Download \(url) to \(path)"
        case .destroy:
            return "Remove \(path)"
        case .release:
            return "Stop managing \(path) (left as it is)"
        case .modify, .recreate:
            if let occupant = ResourcePaths.occupant(in: observation?.note), occupant != .file {
                return "Replace \(ResourcePaths.definiteNoun(occupant)) at \(path) with a download of \(url)"
            }
            if changes.contains(where: { $0.name == "sha256" }) {
                return "Download \(url) again to \(path) (its content differs from the pinned digest)"
            }
            let modes = changes.filter { $0.name == "mode" }
            if let change = modes.first {
                return "Change mode of \(path) from \(change.before?.text ?? "unset") to \(change.after?.text ?? "unset")"
            }
            return "Update \(path): " + changes.map(\.name).joined(separator: ", ")
        }
    }
}
