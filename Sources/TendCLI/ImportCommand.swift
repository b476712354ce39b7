import ArgumentParser
import Foundation
import TendCore

/// `tend import [TYPE...] [--merge FILE]`: config YAML for what this host already has.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write config YAML for what this machine already has.",
        discussion: """
        Lists what the host has for each type named (all types that can list, when none is), and prints a \
        config that declares it, so that 'tend plan' on it shows no changes. Nothing on the host changes. \
        With --merge FILE, only what FILE (with its includes) does not declare yet is added, at the end of its \
        resources list; every other byte of FILE stays as it is. The diff is shown first.

        Examples:
          tend import apt > packages.yaml
          tend import git-config pipx
          tend import npm --merge tend.yaml
          tend import --merge tend.yaml --yes
        """
    )

    @Argument(help: ArgumentHelp("Types to import (default: every type that can list what the host has).",
                                 valueName: "type"))
    var types: [String] = []

    @Option(help: ArgumentHelp("Add what this config lacks to it, keeping the rest byte for byte.", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    var merge: String?

    @Flag(help: "With --merge, write without asking.")
    var yes = false

    @Flag(name: .customLong("no-color"), help: "Never colour the output (NO_COLOR does the same).")
    var noColor = false

    func run() async throws {
        let context = CommandContext(options: nil)
        let importer = Importer(registry: context.engine.registry, host: context.host)
        let names = try ImportSelection.names(types, importer: importer)
        let found = await importer.discover(names)
        ImportSelection.reportProblems(found, named: !types.isEmpty)
        if !types.isEmpty, found.allSatisfy({ $0.problem != nil }) { throw ExitCode(1) }

        guard let merge else {
            let text = try context.run {
                try ImportWriter.config(found, header: ["Written by 'tend import' from what this machine has."])
            }
            Terminal.write(text)
            return
        }
        try await ImportSelection.merge(found, into: merge, context: context, yes: yes,
                                        color: !noColor && Terminal.wantsColor(.standardOutput))
    }
}
