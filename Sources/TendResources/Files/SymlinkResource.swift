import TendCore

/// A symbolic link at `path` pointing to `target`.
///
/// Refresh runs no process: one `lstat` and one `readlink` per link. The stored target is reported absolute
/// (a relative one is taken from the link's directory) and standardised, the form the loader gives `target`.
/// Anything else at the path is reported present with a target that cannot match, so the plan shows a change.
public struct SymlinkResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.symlink }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            observations[resource.address] = observe(resource, host: host)
        }
        return observations
    }

    func observe(_ resource: ResourceSpec, host: Machine) -> Observation {
        let files = host.files
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        let desired = resource.parameters["target"]
        guard let status = files.status(path) else { return .absent("does not exist") }
        guard status.kind == .symlink else {
            let what = "(\(ResourcePaths.noun(status.kind)))"
            return .present(["target": ResourcePaths.unequal(what, desired: desired, comparison: .path)],
                            note: ResourcePaths.occupiedNote(status.kind) + ", not a symlink")
        }
        guard let stored = files.readLink(path) else {
            return .present(["target": ResourcePaths.unequal("(unreadable link)", desired: desired, comparison: .path)],
                            note: "the link cannot be read")
        }
        let target = ResourcePaths.linkTarget(stored, link: path)
        let dangling = ResourcePaths.followedStatus(path, files: files) == nil
        return .present(["target": .string(target)],
                        note: dangling ? "the link is dangling: \(PathNormalizer.addressForm(target, home: host.home)) does not exist" : nil)
    }

    public func subject(of resource: ResourceSpec) -> String {
        "link " + ResourcePaths.shownPath(of: resource)
    }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        ResourcePaths.footprint(of: resource, host: host)
    }

    public var keepsOriginals: Bool { true }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let home = ResourcePaths.home(of: resource, "path")
        let path = ResourcePaths.shownPath(of: resource)
        let target = resource.parameters["target"].map { ResourcePaths.display($0.text, home: home) } ?? "?"
        switch operation {
        case .create: return "Link \(path) -> \(target)"
        case .destroy: return "Remove link \(path)"
        case .release: return "Stop managing \(subject(of: resource)) (left as it is)"
        case .modify, .recreate:
            if let occupant = ResourcePaths.occupant(in: observation?.note), occupant != .symlink {
                return "Replace \(ResourcePaths.definiteNoun(occupant)) at \(path) with a link to \(target)"
            }
            if let before = observation?.parameters["target"]?.stringValue {
                return "Relink \(path) -> \(target) (was -> \(ResourcePaths.display(before, home: home)))"
            }
            return "Relink \(path) -> \(target)"
        }
    }
}
