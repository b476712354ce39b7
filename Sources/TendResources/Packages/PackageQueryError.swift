import TendCore

/// Why a package listing could not be read: the command ran, but it printed something tend cannot parse.
/// A missing tool is not an error (its packages are absent); an unreadable listing is, because guessing
/// "absent" would plan installs of packages that may well be there.
public enum PackageQueryError: Error, Sendable, CustomStringConvertible {
    case unreadableOutput(Command, reason: String)

    public var description: String {
        switch self {
        case .unreadableOutput(let command, let reason):
            return "`\(command)` printed output tend cannot read: \(reason)"
        }
    }
}
