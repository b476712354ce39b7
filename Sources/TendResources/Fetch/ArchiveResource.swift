import TendCore

/// An archive fetched from `url`, pinned by its `sha256`, and unpacked into `directory`.
///
/// Tend records what it placed in `.tend-archive` inside the directory (`ArchiveManifest`). Refresh runs no
/// process: one read of that manifest per resource and one `lstat` per entry (a file is read only when its size
/// or time changed). Removal deletes only what tend placed and is still as it left it; files a user added or
/// changed stay where they are.
public struct ArchiveResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "archive", summary: "a .tar.gz, .tar.xz or .zip archive downloaded, pinned by SHA-256 and unpacked into a directory",
        parameters: [
            ParameterSchema("directory", .path, key: true, summary: "where the archive's files go", example: "~/.local/opt/node"),
            ParameterSchema("url", .string, required: true,
                            summary: "where to download it from (http or https); its name gives the format",
                            example: "https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz"),
            ParameterSchema("sha256", .string, required: true,
                            summary: "the archive's SHA-256 digest in hex; a download that differs is refused",
                            example: "d8dab549b09672b03356aa2257699f3de3b58c96e74eb26a8b495fbdc9cf6fbe"),
            ParameterSchema("stripComponents", .int, default: .int(0),
                            summary: "leading path components to drop from each member, as tar --strip-components does",
                            example: "1"),
            ParameterSchema("format", .string, allowed: ArchiveFormat.allCases.map(\.rawValue),
                            summary: "the format, when the URL's name does not end in .tar.gz, .tgz, .tar.xz, .txz or .zip",
                            example: "tar.gz"),
        ],
        example: """
        - type: archive
          directory: ~/.local/opt/node
          url: https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz
          sha256: d8dab549b09672b03356aa2257699f3de3b58c96e74eb26a8b495fbdc9cf6fbe
          stripComponents: 1
        """,
        valueCheck: { resource, _ in valueProblems(resource) })

    /// The problems apply would refuse: a URL or digest tend does not take, a format it cannot tell, a negative strip.
    static func valueProblems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if let url = resource.parameters["url"]?.stringValue {
            if let problem = HTTPFetch.urlProblem(url) {
                problems.append(ValueProblem("url", problem, hint: "write a full URL, e.g. https://example.com/tool.tar.gz"))
            } else if resource.parameters["format"] == nil, ArchiveFormat.from(url: url) == nil {
                problems.append(ValueProblem("url", "the format of '\(url)' cannot be told from its name",
                                             hint: "add format: tar.gz, tar.xz or zip"))
            }
        }
        if let digest = resource.parameters["sha256"]?.stringValue, let problem = HTTPFetch.digestProblem(digest) {
            problems.append(ValueProblem("sha256", problem, hint: "run sha256sum on a copy you trust and paste its first word"))
        }
        if let strip = resource.parameters["stripComponents"]?.intValue, !(0...32).contains(strip) {
            problems.append(ValueProblem("stripComponents", "stripComponents \(strip) is not between 0 and 32"))
        }
        return problems
    }

    static func format(of resource: ResourceSpec) -> ArchiveFormat? {
        if let named = resource.parameters["format"]?.stringValue { return ArchiveFormat(rawValue: named) }
        return resource.parameters["url"]?.stringValue.flatMap(ArchiveFormat.from(url:))
    }

    static func strip(of resource: ResourceSpec) -> Int {
        resource.parameters["stripComponents"]?.intValue ?? 0
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            observations[resource.address] = observe(resource, host: host)
        }
        return observations
    }

    /// The manifest in `directory`, when tend unpacked something there.
    static func manifest(in directory: String, files: FileSystem) -> ArchiveManifest? {
        let path = directory + "/" + ArchiveManifest.name
        guard let status = files.status(path), status.kind == .file, status.size <= ArchiveManifest.limit,
              let bytes = files.readEntry(path) else { return nil }
        return ArchiveManifest.decode(bytes)
    }

    func observe(_ resource: ResourceSpec, host: Machine) -> Observation {
        let directory = ResourcePaths.absolute(resource, "directory", home: host.home)
        guard let status = host.files.status(directory) else { return .absent("does not exist") }
        guard status.kind == .directory else { return .absent(ResourcePaths.occupiedNote(status.kind)) }
        guard let manifest = Self.manifest(in: directory, files: host.files) else {
            return .absent("the directory exists but holds nothing tend unpacked")
        }
        let desired = resource.parameters["sha256"]?.stringValue
        var parameters: [String: Value] = ["stripComponents": .int(manifest.stripComponents)]
        // Neither can be read back from the files; the digest stands for both.
        for name in ["url", "format"] { if let value = resource.parameters[name] { parameters[name] = value } }
        let changed = manifest.entries.filter { $0.isUnchanged(root: directory, files: host.files) != true }
        if !changed.isEmpty {
            let what = changed.count == 1 ? "1 of the files tend unpacked was changed or removed"
                : "\(changed.count) of the files tend unpacked were changed or removed"
            parameters["sha256"] = ResourcePaths.unequal("(\(what))", desired: desired.map(Value.string), comparison: .exact)
            return .present(parameters, note: what)
        }
        if let desired, HTTPFetch.normalizedDigest(desired) == manifest.sha256 {
            parameters["sha256"] = .string(desired)
        } else {
            parameters["sha256"] = .string(manifest.sha256)
        }
        return .present(parameters)
    }

    public func subject(of resource: ResourceSpec) -> String {
        ResourcePaths.display(resource.parameters["directory"]?.stringValue ?? resource.address.key,
                              home: ResourcePaths.home(of: resource, "directory"))
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let directory = subject(of: resource)
        let url = resource.isSensitive("url") ? "(sensitive url)" : resource.parameters["url"]?.text ?? "its url"
        let note = observation?.note ?? ""
        switch operation {
        case .create:
            if note.hasPrefix("the directory exists") {
                return "Unpack \(url) into \(directory) (files there that it replaces are kept in backups first)"
            }
            return "Unpack \(url) into \(directory)"
        case .destroy:
            return "Remove what tend unpacked into \(directory) (files added or changed since stay)"
        case .release:
            return "Stop managing \(directory) (left as it is)"
        case .modify, .recreate:
            if note.contains("changed or removed") {
                return "Unpack \(url) into \(directory) again (\(note); changed ones are kept in backups first)"
            }
            return "Unpack \(url) into \(directory) in place of what tend unpacked there before"
        }
    }
}
