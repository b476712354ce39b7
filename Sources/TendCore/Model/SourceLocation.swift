import TendYAML

/// A place in a config file: the file as the user named it, and a 1-based mark.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var mark: Mark

    public init(file: String, mark: Mark) {
        self.file = file
        self.mark = mark
    }

    public var description: String { "\(file):\(mark.line):\(mark.column)" }
}
