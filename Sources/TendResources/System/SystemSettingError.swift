/// Why a system setting type could not read what it manages.
enum SystemSettingError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unexpectedOutput(command: String, detail: String)

    var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason) (check that it exists and tend may read it)"
        case .unexpectedOutput(let command, let detail):
            return "'\(command)' printed what tend cannot read: \(detail) (run it by hand to see why)"
        }
    }
}
