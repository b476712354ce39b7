import ArgumentParser

/// `tend fleet`: one config on many machines over the system ssh.
struct FleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Plan and apply one config on many machines over SSH; see their runs and drift in PostgreSQL.",
        discussion: """
        The machines are listed in an inventory (./fleet.yaml, or -i FILE): hosts as user@host[:port] or \
        ssh config aliases, groups, and variables the config sees as ${vars.NAME}. Each host needs the same \
        tend: 'tend fleet bootstrap HOST' copies this one.

        Examples:
          tend fleet bootstrap web1
          tend fleet plan
          tend fleet apply --hosts 'web*' --parallel 4
          tend fleet status
          tend fleet history web1
        """,
        subcommands: [FleetPlanCommand.self, FleetApplyCommand.self, FleetBootstrapCommand.self, FleetStatusCommand.self,
                      FleetHistoryCommand.self]
    )
}
