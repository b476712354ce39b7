import ArgumentParser
import TendCore

/// `tend validate`: parse and check the config; exit 1 when anything is wrong.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the config file and report every problem at once.",
        discussion: """
        Reads the config and its includes, checks every resource against its type, and prints each problem
        as FILE:LINE:COL with the source line and a hint. Nothing on the host is touched.

        Examples:
          tend validate
          tend validate -c examples/workstation.yaml
        """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let context = CommandContext(options: options)
        guard let config = context.loadConfig() else { throw ExitCode(1) }
        let path = options.configPath()
        let active = config.resources.count
        let total = config.allResources.count
        let skipped = total == active ? "" : " (\(total - active) skipped by 'when' on this host)"
        let files = config.files.count == 1 ? "" : " in \(config.files.count) files"
        Terminal.write("\(path): valid, \(total) resource\(total == 1 ? "" : "s")\(files)\(skipped)\n")
    }
}
