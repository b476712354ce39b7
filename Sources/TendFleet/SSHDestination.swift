/// Where ssh connects for one host: `user@host[:port]`, `host`, `[v6]:port` or an OpenSSH config alias.
/// The host part can never be read by ssh as an option: it may not start with `-`, and only the characters
/// of host names, addresses and aliases are allowed.
public struct SSHDestination: Sendable, Hashable, CustomStringConvertible {
    public var user: String?
    public var host: String
    public var port: Int?

    public init(user: String? = nil, host: String, port: Int? = nil) {
        self.user = user
        self.host = host
        self.port = port
    }

    /// The argument ssh takes after `--`: `user@host` or `host`.
    public var target: String { user.map { "\($0)@\(host)" } ?? host }

    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return (user.map { "\($0)@" } ?? "") + shownHost + (port.map { ":\($0)" } ?? "")
    }

    static let hostCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:%".unicodeScalars)
    static let userCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_$".unicodeScalars)

    /// Reads `text`; throws a sentence that names the bad part and says what is allowed.
    public static func parse(_ text: String) throws(FleetError) -> SSHDestination {
        var rest = Substring(text)
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            let name = String(rest[..<at])
            guard !name.isEmpty, !name.hasPrefix("-"), name.unicodeScalars.allSatisfy(userCharacters.contains) else {
                throw .inventory("'\(text)' has an invalid user name '\(name)': letters, digits, '.', '-' and '_' only, "
                                 + "not starting with '-'")
            }
            user = name
            rest = rest[rest.index(after: at)...]
        }
        var host: Substring
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw .inventory("'\(text)' opens '[' for an IPv6 address without closing it")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else {
                    throw .inventory("'\(text)' has '\(after)' after the address; write [ADDRESS]:PORT")
                }
                port = number
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            let portText = rest[rest.index(after: colon)...]
            guard let number = Int(portText) else {
                throw .inventory("'\(text)' has the port '\(portText)', which is not a number; write HOST:PORT "
                                 + "(an IPv6 address goes in brackets: [::1]:22)")
            }
            port = number
        } else {
            host = rest
        }
        if let port, !(1...65535).contains(port) {
            throw .inventory("'\(text)' has the port \(port); a port is 1 to 65535")
        }
        guard !host.isEmpty else { throw .inventory("'\(text)' names no host") }
        guard !host.hasPrefix("-") else {
            throw .inventory("the host '\(text)' starts with '-', which ssh would read as an option; host names never do")
        }
        guard host.unicodeScalars.allSatisfy(hostCharacters.contains) else {
            throw .inventory("the host '\(text)' has characters no host name, address or ssh alias has "
                             + "(letters, digits, '.', '-', '_', ':' and '%' only)")
        }
        return SSHDestination(user: user, host: String(host), port: port)
    }
}
