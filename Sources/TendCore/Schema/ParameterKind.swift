/// What a parameter holds.
public indirect enum ParameterKind: Sendable, Hashable, CustomStringConvertible {
    case string
    case int
    case bool
    /// A list whose items are of the given kind; a single scalar is read as a one-item list.
    case list(ParameterKind)
    /// A mapping from strings to strings.
    case map
    /// A file system path: `~` expands to the home directory, relative paths are taken from the config file.
    case path
    /// A file mode in octal, written `"0644"` or `"755"`; normalised to four digits.
    case mode

    public var description: String {
        switch self {
        case .string: return "string"
        case .int: return "int"
        case .bool: return "bool"
        case .list(let item): return "list of \(item)"
        case .map: return "map"
        case .path: return "path"
        case .mode: return "mode"
        }
    }

    /// The phrase for "expected ..." messages.
    public var expectation: String {
        switch self {
        case .string: return "a string"
        case .int: return "an integer"
        case .bool: return "true or false"
        case .list(let item): return "a list of \(item)s"
        case .map: return "a mapping of names to values"
        case .path: return "a path"
        case .mode: return "an octal file mode such as \"0644\""
        }
    }
}
