/// A loaded and checked config: every resource of the root file and its includes, in declaration order.
public struct Config: Sendable {
    /// The root file's absolute path; state remembers it to tell which config declared a resource.
    public var rootPath: String
    /// Every file read, root first, by the name diagnostics use.
    public var files: [String]
    /// `sha256:` of the files' bytes in load order, for saved plans.
    public var digest: String
    public var variables: [String: Value]
    /// All resources, including those whose `when` does not match this host (`isActive` false).
    public var allResources: [ResourceSpec]
    /// Plugin executables named by `plugins:`, as absolute paths.
    public var plugins: [String]
    /// `report_to:`, the fleet's PostgreSQL URL as written (it may hold a password: never print it unredacted).
    public var reportTo: String?
    /// The dependency graph over `resources`, as the loader checked it; nil for hand-made configs.
    public var dependencyGraph: DependencyGraph?

    public init(rootPath: String, files: [String], digest: String, variables: [String: Value],
                allResources: [ResourceSpec], plugins: [String] = []) {
        self.rootPath = rootPath
        self.files = files
        self.digest = digest
        self.variables = variables
        self.allResources = allResources
        self.plugins = plugins
    }

    /// The resources that apply to this host.
    public var resources: [ResourceSpec] { allResources.active }

    public func resource(_ address: Address) -> ResourceSpec? {
        allResources.first { $0.address == address && $0.isActive }
    }
}
