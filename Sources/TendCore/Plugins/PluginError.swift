/// Why a plugin could not be used or a change it made failed. Every message names the plugin and quotes what it
/// printed (escaped and cut short: `PluginText.quote`), so that one misbehaving plugin is easy to find.
public enum PluginError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The executable, or a directory on the way to it, could be changed by a user tend does not trust.
    case untrusted(plugin: String, reason: String)
    /// The executable could not be started.
    case launchFailed(plugin: String, reason: String)
    /// A line of its output is not one JSON object with a `type`.
    case notJSON(plugin: String, line: String)
    /// It exited (or was killed by a signal) before it finished answering.
    case died(plugin: String, how: String, waitingFor: String, stderr: String)
    /// It sent nothing for `seconds` while tend waited; tend stopped it.
    case timedOut(plugin: String, seconds: Double, waitingFor: String)
    /// A message that breaks the protocol (a wrong type, an address it was not asked about, a bad SPEC).
    case protocolViolation(plugin: String, message: String)
    /// Its output passed one of tend's bounds (line length, number of messages, total output).
    case tooMuch(plugin: String, what: String)
    /// An earlier failure stopped it; later requests in the same run fail with that first reason.
    case stopped(plugin: String, because: String)

    public var description: String {
        switch self {
        case .untrusted(let plugin, let reason):
            return "plugin \(plugin) is not safe to run: \(reason)"
        case .launchFailed(let plugin, let reason):
            return "plugin \(plugin) could not be started: \(reason)"
        case .notJSON(let plugin, let line):
            return "plugin \(plugin) printed a line that is not one JSON object: \(PluginText.quote(line))"
        case .died(let plugin, let how, let waitingFor, let stderr):
            let tail = stderr.isEmpty ? "" : "; the end of its stderr: \(PluginText.quote(stderr))"
            return "plugin \(plugin) \(how) while tend waited for its answer to \(waitingFor)\(tail)"
        case .timedOut(let plugin, let seconds, let waitingFor):
            return "plugin \(plugin) sent nothing for \(PluginText.seconds(seconds)) while tend waited for its "
                + "answer to \(waitingFor); tend stopped it (raise TEND_PLUGIN_TIMEOUT or the resource's timeout)"
        case .protocolViolation(let plugin, let message):
            return "plugin \(plugin) \(message)"
        case .tooMuch(let plugin, let what):
            return "plugin \(plugin) \(what); tend stopped it"
        case .stopped(let plugin, let because):
            return "plugin \(plugin) was stopped earlier in this run, so tend did not ask it: \(because)"
        }
    }
}
