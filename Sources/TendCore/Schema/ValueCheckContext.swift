/// What a type's value check may consult besides the resource itself: the host's files (read only) and the
/// paths other resources of the same config will make, so that a `source:` inside a directory a `git-clone`
/// makes during apply is not reported missing before it could exist.
public struct ValueCheckContext: Sendable {
    public var files: FileSystem
    /// The home directory, for paths in messages (`~/x`).
    public var home: String
    /// Key paths (absolute) of the present, active resources whose key is a path.
    public var declaredPaths: Set<String>

    public init(files: FileSystem = FileSystem(), home: String, declaredPaths: Set<String> = []) {
        self.files = files
        self.home = home
        self.declaredPaths = declaredPaths
    }

    /// The context for one config: every present, active resource with a path key declares that path.
    public init(resources: [ResourceSpec], catalog: SchemaCatalog, home: String, files: FileSystem = FileSystem()) {
        var paths = Set<String>()
        for resource in resources where resource.isActive && resource.ensure == .present {
            guard let key = catalog[resource.type]?.keyParameter, key.kind == .path,
                  let path = resource.parameters[key.name]?.stringValue else { continue }
            paths.insert(PathNormalizer.standardize(path))
        }
        self.init(files: files, home: home, declaredPaths: paths)
    }

    /// True when `path`, or a directory above it, is the key path of a resource of the config (`owner` aside):
    /// apply may make it before the resource that reads it runs.
    public func isMadeByConfig(_ path: String, besides owner: String? = nil) -> Bool {
        var current = PathNormalizer.standardize(path)
        let skipped = owner.map(PathNormalizer.standardize)
        while !current.isEmpty {
            if current != skipped, declaredPaths.contains(current) { return true }
            let parent = PathNormalizer.directory(of: current)
            if parent == current { break }
            current = parent
        }
        return false
    }
}
