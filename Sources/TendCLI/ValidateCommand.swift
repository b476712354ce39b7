import ArgumentParser
import TendCore

/// `tend validate`: parse and check the config; exit 1 when anything is wrong.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the config file and report every problem at once.",
        discussion: """
        Reads the config and its includes, checks every resource against its type, and prints each problem
        as FILE:LINE:COL with the source line and a hint. Nothing on the host is touched. --json prints the
        problems as data on standard output (file, line, column, severity, message, hint); --format sarif
        prints SARIF 2.1.0 for code scanning annotations in CI. Either way the exit status is 1 when there are
        errors.

        Examples:
          tend validate
          tend validate -c examples/workstation.yaml
          tend validate --json
          tend validate --format sarif > tend.sarif
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @OptionGroup var options: ConfigOptions

    @Option(help: "Output format: text, json or sarif.")
    var format: Format = .text

    @Flag(help: "Print the result as JSON (same as --format json).")
    var json = false

    func validate() throws {
        if json && format == .sarif {
            throw ValidationError("--json and --format sarif ask for two formats; pass one of them")
        }
    }

    func run() throws {
        let context = CommandContext(options: options)
        let chosen: Format = json ? .json : format
        guard chosen == .text else {
            let result = context.loadConfigResult(path: options.configPath())
            let report = chosen == .json
                ? DiagnosticRenderer.json(result.diagnostics, resourceCount: result.config?.allResources.count)
                : DiagnosticRenderer.sarif(result.diagnostics, toolVersion: Tend.version)
            Terminal.write(report.pretty + "\n")
            if result.hasErrors || result.config == nil { throw ExitCode(1) }
            return
        }
        guard let config = context.loadConfig() else { throw ExitCode(1) }
        let path = options.configPath()
        let active = config.resources.count
        let total = config.allResources.count
        let skipped = total == active ? "" : " (\(total - active) skipped by 'when' on this host)"
        let files = config.files.count == 1 ? "" : " in \(config.files.count) files"
        Terminal.write("\(path): valid, \(total) resource\(total == 1 ? "" : "s")\(files)\(skipped)\n")
    }
}
