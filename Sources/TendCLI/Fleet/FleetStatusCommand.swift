import ArgumentParser
import Foundation
import TendCore
import TendReport

/// `tend fleet status`: every host that reports to the fleet's PostgreSQL, its last run and its drift.
struct FleetStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each host's last run, result, pending drift and failed changes, from PostgreSQL.",
        discussion: """
        Reads what every host's runs and plans sent to the fleet database (report_to, TEND_REPORT_URL or \
        --report-url). Drift is what the host's newest plan or run left pending; failed changes wait for \
        'tend recover' on that host.

        Examples:
          tend fleet status
          tend fleet status --json --report-url postgres://tend@db.example/fleet
        """
    )

    @OptionGroup var database: FleetDatabaseOptions

    @Flag(help: "Print the hosts as JSON.")
    var json = false

    func run() throws {
        let context = CommandContext(options: nil)
        let hosts = try context.run { try FleetQuery(url: database.url(context: context)).status() }
        let renderer = FleetStatusRenderer(now: Date())
        Terminal.write(json ? renderer.json(hosts) : renderer.text(hosts))
    }
}
