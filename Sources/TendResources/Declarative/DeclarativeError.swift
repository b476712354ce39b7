import TendCore

/// Failures of a declarative type's commands, naming the type and the command.
enum DeclarativeError: Error, Sendable, CustomStringConvertible {
    case listFailed(type: String, CommandError)
    case unreadableList(type: String, command: Command, reason: String)
    case template(type: String, role: String, TemplateError)

    var description: String {
        switch self {
        case .listFailed(let type, let error):
            return "the list command of type \(type) failed: \(error)"
        case .unreadableList(let type, let command, let reason):
            return "the list command of type \(type) (\(command)) gave output tend cannot read: \(reason)"
        case .template(let type, let role, let error):
            return "type \(type) cannot fill its \(role) command: \(error)"
        }
    }
}
