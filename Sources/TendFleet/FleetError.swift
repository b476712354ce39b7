/// What can go wrong in a fleet run before or around a host's own tend; each message names the host or file.
public enum FleetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A bad inventory value or argument.
    case inventory(String)
    /// The config could not be bundled for shipping.
    case bundle(String)
    /// ssh could not reach or talk to a host.
    case connection(host: String, message: String)
    /// The host has no tend, or another version.
    case remoteTend(host: String, message: String)
    /// Copying this tend to a host failed or cannot work.
    case bootstrap(host: String, message: String)

    public var description: String {
        switch self {
        case .inventory(let message), .bundle(let message): return message
        case .connection(let host, let message): return "\(host): \(message)"
        case .remoteTend(let host, let message): return "\(host): \(message)"
        case .bootstrap(let host, let message): return "\(host): \(message)"
        }
    }
}
