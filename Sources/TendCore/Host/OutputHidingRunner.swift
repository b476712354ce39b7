/// Runs commands for resources with secrets (a refresh's `check`, a verification) so that their output is not
/// streamed with `-v`: it may print the secrets it was given.
struct OutputHidingRunner: ProcessRunner {
    let base: any ProcessRunner

    func run(_ command: Command) async throws -> CommandResult {
        var hidden = command
        hidden.hidesOutput = true
        return try await base.run(hidden)
    }

    /// `host` with its runner wrapped when any of `resources` has a sensitive value set.
    static func host(_ host: Machine, for resources: [ResourceSpec]) -> Machine {
        guard !SecretRedactor(resources).isEmpty else { return host }
        var hiding = host
        hiding.runner = OutputHidingRunner(base: host.runner)
        return hiding
    }
}
