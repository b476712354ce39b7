import ArgumentParser
import Foundation
import TendCore
import TendReport

/// Where `tend fleet status` and `history` read: `--report-url`, else `TEND_REPORT_URL`, else the config's
/// `report_to`.
struct FleetDatabaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The fleet's PostgreSQL, postgres://USER@HOST[:PORT]/DATABASE (no password here: "
                               + "use ~/.pgpass or $PGPASSFILE).", valueName: "url"))
    var reportURL: String?

    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("A config whose report_to names the database.",
                                                                 valueName: "file"))
    var config: String?

    func url(context: CommandContext) throws -> ReportURL {
        if let reportURL {
            let url = try ReportURL(reportURL)
            // The process list shows argv to every user of the machine.
            guard !url.hasPassword else { throw ReportError.passwordInArguments }
            return url
        }
        var options = ConfigOptions()
        options.config = config
        let path = options.configPath()
        var loaded: Config?
        if config != nil || FileManager.default.fileExists(atPath: path) {
            loaded = CommandContext(options: options).loadConfig()
            if loaded == nil { throw ExitCode(1) }
        }
        guard let text = FleetReporting.url(config: loaded, environment: context.host.facts.environment) else {
            throw CommandFailure("no fleet database: pass --report-url postgres://..., set TEND_REPORT_URL, or add "
                                 + "report_to to the config")
        }
        return try ReportURL(text)
    }
}
