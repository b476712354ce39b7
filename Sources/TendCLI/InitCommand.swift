import ArgumentParser
import Foundation
import TendCore

/// `tend init [TYPE...]`: a starter tend.yaml from an import of the chosen types.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter tend.yaml from what this machine already has.",
        discussion: """
        Imports the types named (git-config when none is) into a new config whose first line points editors \
        at tend's JSON Schema, so that completion and checks work while you edit. 'tend plan' on the new file \
        shows no changes. An existing file is never overwritten: use 'tend import --merge FILE' to add to it. \
        When no installed schema is found beside tend, tend.schema.json is written next to the config.

        Examples:
          tend init
          tend init git-config apt pipx
          tend init npm --output ~/.config/tend/tend.yaml
        """
    )

    @Argument(help: ArgumentHelp("Types to import (default: git-config).", valueName: "type"))
    var types: [String] = []

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Where to write the config.", valueName: "file"))
    var output = "tend.yaml"

    func run() async throws {
        let context = CommandContext(options: nil)
        let importer = Importer(registry: context.engine.registry, host: context.host)
        let names = try ImportSelection.names(types.isEmpty ? ["git-config"] : types, importer: importer)
        let path = output.hasPrefix("/") ? output : FileManager.default.currentDirectoryPath + "/" + output
        guard FileSystem().status(path) == nil else { context.fail(ConfigFileWriterError.exists(path: output)) }

        let found = await importer.discover(names)
        ImportSelection.reportProblems(found, named: true)
        let directory = (path as NSString).deletingLastPathComponent
        let schema = try context.run { try schemaReference(configDirectory: directory, registry: importer.registry) }
        let text = try context.run {
            try ImportWriter.config(found, header: [
                "yaml-language-server: $schema=\(schema)",
                "Written by 'tend init' from what this machine has; 'tend plan' shows no changes until you edit it.",
                "Add more with 'tend import TYPE --merge \((output as NSString).lastPathComponent)'; 'tend types' lists the types.",
            ])
        }
        try context.run { try ConfigFileWriter.create(path, bytes: Array(text.utf8)) }
        let count = found.reduce(0) { $0 + $1.resources.count }
        Terminal.write("Wrote \(TerminalText.escape(output)) with \(count) resource\(count == 1 ? "" : "s"). "
                       + "Next: tend plan -c \(TerminalText.escape(output))\n")
    }

    /// The schema an editor should use: the one installed beside tend (`PREFIX/share/tend`), else a
    /// `tend.schema.json` written next to the config (never over an existing one).
    private func schemaReference(configDirectory: String, registry: TypeRegistry) throws -> String {
        if let executable = Bundle.main.executablePath {
            let installed = (((executable as NSString).deletingLastPathComponent as NSString)
                .deletingLastPathComponent as NSString).appendingPathComponent("share/tend/tend.schema.json")
            if FileSystem().status(installed)?.kind == .file { return installed }
        }
        let beside = configDirectory + "/tend.schema.json"
        if FileSystem().status(beside) == nil {
            let json = JSONSchemaGenerator(catalog: registry.catalog).generate(included: false).pretty + "\n"
            try ConfigFileWriter.create(beside, bytes: Array(json.utf8))
        }
        return "./tend.schema.json"
    }
}
