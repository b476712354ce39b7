import ArgumentParser
import TendCore

/// `tend report [RUN]`: what one run did, change by change.
struct ReportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown, html }

    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Show what a run did: each change, its commands, outputs and errors.",
        discussion: """
        Examples:
          tend report              the last run that changed something
          tend report 12 --format markdown
          tend report --format html > run.html
        """
    )

    @OptionGroup var stateOptions: StateOptions

    @Argument(help: ArgumentHelp("The run's number, from 'tend history' (default: the last run that was not a no-op).", valueName: "run"))
    var runNumber: Int64?

    @Option(help: "The output format; html is one self-contained page with a timeline.")
    var format: Format = .text

    func run() throws {
        let context = CommandContext(options: nil)
        let store = try context.run { try stateOptions.openForReading(host: context.host) }
        let record = try context.run { () -> RunRecord in
            if let runNumber {
                guard let record = try store.run(id: runNumber) else { throw StateError.unknownRun(runNumber) }
                return record
            }
            // A converged run (an apply with nothing to do) has nothing to report: the last one that acted is
            // what 'tend report' is asked for; a converged one is still shown by its number.
            let recent = try store.runs(limit: 100)
            guard let last = recent.first(where: { $0.status != .converged }) ?? recent.first else {
                throw CommandFailure("no runs yet: 'tend apply' records each run")
            }
            return last
        }
        let reports = try context.run { try store.reports(runID: record.id) }
        let renderer = RunReportRenderer()
        switch format {
        case .text: Terminal.write(renderer.reportText(record, reports))
        case .markdown: Terminal.write(renderer.reportMarkdown(record, reports))
        case .html: Terminal.write(renderer.reportHTML(record, reports))
        case .json:
            let json = JSON.object([("run", renderer.runJSON(record)), ("operations", .array(reports.map(renderer.reportJSON)))])
            Terminal.write(json.pretty + "\n")
        }
    }
}
