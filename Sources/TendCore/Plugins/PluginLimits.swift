/// The bounds put on one plugin in one run; output past them stops the plugin and fails its changes.
public struct PluginLimits: Sendable, Hashable {
    /// Longest line of stdout, in bytes.
    public var lineLength: Int
    /// Most messages a plugin may send in answer to one request (LOG lines included).
    public var messagesPerRequest: Int
    /// Most bytes of stdout over the whole run.
    public var totalOutput: Int
    /// Bytes of stderr kept for failure messages (the newest).
    public var stderrTail: Int
    /// Lines of stderr logged over the run; the rest is counted, not shown.
    public var stderrLines: Int
    /// Seconds tend waits for each message of an answer (the resource's `timeout` replaces it for APPLY).
    public var timeout: Double

    public init(lineLength: Int = 1 << 20, messagesPerRequest: Int = 10_000, totalOutput: Int = 64 << 20,
                stderrTail: Int = 2048, stderrLines: Int = 200, timeout: Double = PluginLimits.defaultTimeout) {
        self.lineLength = lineLength
        self.messagesPerRequest = messagesPerRequest
        self.totalOutput = totalOutput
        self.stderrTail = stderrTail
        self.stderrLines = stderrLines
        self.timeout = timeout
    }

    /// A minute: long enough for a plugin that asks a slow tool, short enough that a hung one does not stall a run.
    public static let defaultTimeout: Double = 60

    /// The limits with the timeout from `TEND_PLUGIN_TIMEOUT` (seconds) when it holds a positive number.
    public static func from(environment: [String: String]) -> PluginLimits {
        var limits = PluginLimits()
        if let text = environment["TEND_PLUGIN_TIMEOUT"], let seconds = Double(text), seconds > 0, seconds.isFinite {
            limits.timeout = seconds
        }
        return limits
    }
}
