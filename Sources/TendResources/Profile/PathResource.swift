import TendCore

/// A directory on PATH, before (prepend) or after (append) what PATH already holds, kept in tend's profile
/// (`ShellProfile`), which adds it only when it is not already on PATH.
///
/// Refresh reads `profile.sh` once for every path resource; it runs no process.
public struct PathResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.path }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        let (profile, problem) = ShellProfile.current(on: host)
        let missing = problem ?? "not in \(PathNormalizer.addressForm(ShellProfile.path(for: host), home: host.home))"
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let directory = ResourcePaths.absolute(resource, "directory", home: host.home)
            if let entry = profile.pathEntry(for: directory) {
                observations[resource.address] = .present([
                    "directory": .string(entry.directory), "position": .string(entry.position.rawValue),
                ])
            } else {
                observations[resource.address] = .absent(missing)
            }
        }
        return observations
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let home = ResourcePaths.home(of: resource, "directory")
        let directory = ResourcePaths.display(resource.parameters["directory"]?.stringValue ?? resource.address.key,
                                              home: home)
        let position = (resource.parameters["position"] ?? schema.parameter("position")?.defaultValue)?.text ?? "prepend"
        switch operation {
        case .create: return "Put \(directory) on PATH (\(position))"
        case .modify, .recreate:
            return position == "append"
                ? "Move \(directory) to the end of PATH (append)" : "Move \(directory) to the front of PATH (prepend)"
        case .destroy: return "Take \(directory) off PATH"
        case .release: return "Stop managing \(directory) on PATH (left as it is)"
        }
    }
}

extension PathResource {
    /// Rule 1 reads tend's own `profile.sh`, which holds this entry (see `ProfileFootprint`).
    public func footprint(of resource: ResourceSpec, host: Machine) -> String? { ProfileFootprint.of(host: host) }
}
