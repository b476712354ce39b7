import ArgumentParser
import Foundation
import TendCore
import TendReport

/// `tend fleet history HOST`: one host's runs as the fleet database has them, newest first.
struct FleetHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List one host's runs from PostgreSQL, newest first.",
        discussion: """
        HOST is a hostname or the start of a host id, as 'tend fleet status' shows them.

        Examples:
          tend fleet history web-1
          tend fleet history 3f2a --limit 5 --json
        """
    )

    @OptionGroup var database: FleetDatabaseOptions

    @Argument(help: "The host: its name or the start of its id.")
    var host: String

    @Option(help: "How many runs to list.")
    var limit: Int = 20

    @Flag(help: "Print the runs as JSON.")
    var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let context = CommandContext(options: nil)
        let (found, runs) = try context.run { () -> ((id: String, hostname: String), [FleetRunSummary]) in
            let query = try FleetQuery(url: database.url(context: context))
            let found = try query.host(named: host)
            return (found, try query.history(hostID: found.id, limit: limit))
        }
        let renderer = FleetStatusRenderer(now: Date())
        Terminal.write(json ? renderer.json(runs) : renderer.text(runs, hostname: found.hostname, hostID: found.id))
    }
}
