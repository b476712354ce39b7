/// The machine tend works on (DESIGN calls it Host; Foundation already has a `Host`). Everything a resource type may use to inspect and change the machine: facts, files and commands.
public struct Machine: Sendable {
    public var facts: HostFacts
    public var runner: any ProcessRunner
    public var files: FileSystem
    /// True when tend runs as root: ownership can be set, and no sudo is needed.
    public var isRoot: Bool

    public init(facts: HostFacts, runner: any ProcessRunner, files: FileSystem = FileSystem(), isRoot: Bool) {
        self.facts = facts
        self.runner = runner
        self.files = files
        self.isRoot = isRoot
    }

    public var home: String { facts.home }

    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    public var configHome: String {
        if let value = facts.environment["XDG_CONFIG_HOME"], value.hasPrefix("/") { return value }
        return facts.home + "/.config"
    }

    /// `$XDG_STATE_HOME`, else `~/.local/state`.
    public var stateHome: String {
        if let value = facts.environment["XDG_STATE_HOME"], value.hasPrefix("/") { return value }
        return facts.home + "/.local/state"
    }
}
