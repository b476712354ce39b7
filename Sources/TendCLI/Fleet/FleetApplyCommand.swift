import ArgumentParser
import TendFleet

/// `tend fleet apply`: make every selected host match the config.
struct FleetApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make each host match the config.",
        discussion: """
        Runs 'tend apply --yes' on each selected host, several at once; progress is shown as 'host | ...' \
        lines and a table ends the run. A host that is unreachable or fails does not stop the others; the \
        exit status is 1 when any did. Sudo on a host must work without a password (sudo -n): no terminal \
        is shared among hosts running at once.

        Examples:
          tend fleet apply
          tend fleet apply --hosts laptops --parallel 2
        """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        try await FleetSession(options: options, fleet: fleet).run(.apply)
    }
}
