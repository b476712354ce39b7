import Foundation

/// A command to run: an argv array (never a shell string built from values) and how to run it.
public struct Command: Sendable, Hashable, CustomStringConvertible {
    /// The program and its arguments; the program is looked up on PATH when it has no slash.
    public var arguments: [String]
    /// Variables added to (or replacing those of) tend's environment.
    public var environment: [String: String]
    public var workingDirectory: String?
    /// Bytes written to the command's standard input, which is then closed; nil gives it /dev/null.
    public var input: [UInt8]?
    /// Seconds before the command is terminated; nil waits for ever.
    public var timeout: Double?
    /// Needs root: run through `sudo -n` when tend is not root.
    public var privileged: Bool
    /// Indices into `arguments` of secrets (a passphrase): shown and recorded as `(sensitive)`.
    public var sensitiveArguments: Set<Int> = []
    /// Names of environment variables whose values are secrets: shown as `(sensitive)`.
    public var sensitiveEnvironment: Set<String> = []
    /// True for the commands of a sensitive resource: their output is neither streamed with `-v` nor kept.
    public var hidesOutput = false

    public init(_ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
                input: [UInt8]? = nil, timeout: Double? = nil, privileged: Bool = false) {
        precondition(!arguments.isEmpty, "a command needs a program")
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.timeout = timeout
        self.privileged = privileged
    }

    /// The command as a person would type it, each argument quoted for a POSIX shell where needed.
    public var description: String {
        let prefix = environment.keys.sorted().map { name in
            "\(name)=" + (sensitiveEnvironment.contains(name) ? "(sensitive)" : ShellQuoting.quote(environment[name]!))
        }
        return (prefix + displayArguments.map(ShellQuoting.quote)).joined(separator: " ")
    }

    /// The arguments with sensitive ones replaced by `(sensitive)`, for logs and reports.
    public var displayArguments: [String] {
        arguments.enumerated().map { sensitiveArguments.contains($0.offset) ? "(sensitive)" : $0.element }
    }
}

/// POSIX shell quoting, for showing commands and for values tend writes into shell profiles.
public enum ShellQuoting {
    /// The text as one shell word that the shell reads literally: bare when safe, else single-quoted.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty, text.unicodeScalars.allSatisfy({ safe.contains($0) }) { return text }
        // Control characters (a newline in a format string) would break a logged command across lines:
        // bash's $'...' form writes them as escapes and still reads back as the same word.
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            var out = "$'"
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                case "'": out += "\\'"
                case "\\": out += "\\\\"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7f {
                        out += "\\x" + String(format: "%02x", scalar.value)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "'"
        }
        return singleQuoted(text)
    }

    /// Always single-quoted, with `'` written as `'\''`.
    public static func singleQuoted(_ text: String) -> String {
        // Scalar by scalar: a quote followed by a combining mark is one Character, and must still be escaped.
        var out = "'"
        for scalar in text.unicodeScalars {
            if scalar == "'" { out += "'\\''" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "'"
    }

    private static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_".unicodeScalars)
}
