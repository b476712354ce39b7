import ArgumentParser

/// `tend fleet`, as far as this branch goes: status and history. Stand-in until it merges with the fleet group
/// that has plan, apply and bootstrap, which then lists these two subcommands.
struct FleetReportGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "See many machines' runs and drift, as reported to PostgreSQL.",
        subcommands: [FleetStatusCommand.self, FleetHistoryCommand.self]
    )
}
