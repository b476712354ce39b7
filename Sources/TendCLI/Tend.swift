import ArgumentParser

/// The `tend` command and its subcommands.
public struct Tend: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "tend",
        abstract: "Keep this machine the way one YAML file says.",
        discussion: """
        tend reads a config (./tend.yaml, or -c FILE), checks what this machine has, and shows or makes
        the difference: packages, dotfiles, shell aliases, PATH, environment, git settings and clones,
        and anything a script can check.

        Examples:
          tend validate -c examples/workstation.yaml
          tend types file
          tend schema > tend.schema.json
        """,
        version: version,
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self, StateCommand.self,
            HistoryCommand.self, ReportCommand.self, RecoverCommand.self, BackupsCommand.self, TypesCommand.self,
            SchemaCommand.self, DoctorCommand.self,
        ]
    )

    public init() {}
}
