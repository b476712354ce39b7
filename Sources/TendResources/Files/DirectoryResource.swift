import TendCore

/// A directory (made with its parents), with mode, owner and group.
///
/// Refresh runs no process: one `lstat` per directory. A symlink to a directory counts as the directory, as
/// `mkdir -p` would; anything else at the path is reported absent with a note, so the plan shows a create that
/// apply will refuse rather than a silent no-op.
public struct DirectoryResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.directory }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        OwnershipNames.observeEach(resources) { observe($0, host: host, names: &$1) }
    }

    func observe(_ resource: ResourceSpec, host: Machine, names: inout OwnershipNames) -> Observation {
        let files = host.files
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        guard let status = files.status(path) else { return .absent("does not exist") }
        var found = status
        var note: String?
        if status.kind == .symlink {
            guard let target = ResourcePaths.followedStatus(path, files: files) else {
                return .absent(ResourcePaths.occupiedNote(.symlink) + " and its target does not exist")
            }
            found = target
            // The plan names the link's target: mode and owner changes land there (when tend may follow the link).
            let linked = files.readLink(path).map {
                PathNormalizer.addressForm(ResourcePaths.linkTarget($0, link: path), home: host.home)
            }
            note = "a symlink to the directory \(linked ?? "it names") is at this path; mode and owner are the target's"
        }
        guard found.kind == .directory else {
            return .absent(ResourcePaths.occupiedNote(status.kind) + ", not a directory")
        }
        return .present(names.parameters(found, files: files), note: note)
    }

    public func subject(of resource: ResourceSpec) -> String {
        "directory " + ResourcePaths.shownPath(of: resource)
    }

    /// On a symlink to a directory, the footprint of the target: that is where tend sets mode and owner, so it is
    /// what rule 1 compares and what an original of is kept.
    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        return PathFootprint.of(Self.attributesPath(path, files: host.files) ?? path, files: host.files)
    }

    /// Where mode and owner of the directory at `path` live when `path` is a symlink to a directory: the link's
    /// final target; nil when `path` is not such a link.
    static func attributesPath(_ path: String, files: FileSystem) -> String? {
        guard files.status(path)?.kind == .symlink, let target = ResourcePaths.followed(path, files: files),
              target.status.kind == .directory else { return nil }
        return target.path
    }

    public var keepsOriginals: Bool { true }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let path = ResourcePaths.shownPath(of: resource)
        switch operation {
        case .create: return "Create directory \(path)"
        case .destroy: return "Remove directory \(path)"
        case .release: return "Stop managing \(subject(of: resource)) (left as it is)"
        case .modify, .recreate:
            func from(_ change: ParameterChange) -> String {
                "\(change.before?.text ?? "unset") to \(change.after?.text ?? "unset")"
            }
            if changes.count == 1, let change = changes.first {
                return "Change \(change.name) of directory \(path) from \(from(change))"
            }
            return "Update directory \(path): " + changes.map { "\($0.name) \(from($0))" }.joined(separator: ", ")
        }
    }
}
