import ArgumentParser
import Foundation
import TendCore

/// The `tend` command and its subcommands.
public struct Tend: AsyncParsableCommand {
    public static let version = "0.1.0"

    // Paragraphs are single lines: ArgumentParser wraps them to the terminal, and a hard break inside one
    // leaves a ragged short line after every wrapped one.
    public static let configuration = CommandConfiguration(
        commandName: "tend",
        abstract: "Keep this machine the way one YAML file says.",
        discussion: """
        tend reads a config (./tend.yaml, or -c FILE), checks what this machine has, and shows or makes \
        the difference: packages, dotfiles, shell aliases, PATH, environment, git settings and clones, \
        and anything a script can check.

        Exit status: 0 success; 1 an error in the config, the plan or the run; 2 changes pending (only \
        with 'plan --detailed-exitcode'); 64 a usage error (an unknown command or option, a bad \
        argument); 130 interrupted (Ctrl-C).

        Examples:
          tend types
          tend validate -c tend.yaml
          tend plan
          tend schema > tend.schema.json
        """,
        version: version,
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self, StateCommand.self,
            HistoryCommand.self, ReportCommand.self, RecoverCommand.self, BackupsCommand.self, TypesCommand.self,
            SchemaCommand.self, DoctorCommand.self, ManualCommand.self, FleetReportGroup.self,
        ]
    )

    /// The status ArgumentParser gives a usage error (BSD's EX_USAGE); tend's own usage errors use it too.
    public static let usageErrorStatus: Int32 = 64

    public init() {}

    /// Runs tend; a first word that names no command is answered with the nearest one before parsing.
    public static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = unknownCommandMessage(arguments) {
            Terminal.write(message, to: .standardError)
            Foundation.exit(usageErrorStatus)
        }
        await main(arguments)
    }

    /// The message for a first argument that is neither an option nor a command, or nil when it is either.
    /// ArgumentParser only says "Unexpected argument" there, which does not tell a typo from a stray word.
    static func unknownCommandMessage(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        guard !names.contains(first) else { return nil }
        let word = TerminalText.escape(first)
        let hint = Suggestion.closest(to: first, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        return "Error: unknown command '\(word)'\(hint)\nUsage: tend <subcommand>\n  See 'tend --help' for the commands.\n"
    }
}
