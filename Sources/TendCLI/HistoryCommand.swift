import ArgumentParser
import TendCore

/// `tend history`: past applies and destroys, newest first.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List past runs (applies and destroys), newest first.",
        discussion: """
        A run whose tend was killed shows as interrupted.

        Examples:
          tend history
          tend history --limit 5 --json
        """
    )

    @OptionGroup var stateOptions: StateOptions

    @Option(help: "How many runs to list.")
    var limit: Int = 20

    @Flag(help: "Print the runs as JSON.")
    var json = false

    func run() throws {
        let context = CommandContext(options: nil)
        let runs = try context.run { try stateOptions.openForReading(host: context.host).runs(limit: limit) }
        let renderer = RunReportRenderer()
        Terminal.write(json ? JSON.array(runs.map(renderer.runJSON)).pretty + "\n" : renderer.historyText(runs))
    }
}
