/// One entry of a config's `plugins:` list: the executable's absolute path and where the entry was written.
public struct PluginReference: Sendable, Hashable {
    public var path: String
    public var location: SourceLocation

    public init(path: String, location: SourceLocation) {
        self.path = path
        self.location = location
    }

    /// The name messages use: the executable's file name.
    public var name: String { PathNormalizer.lastComponent(path) }
}
