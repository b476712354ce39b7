import ArgumentParser
import TendCore
import TendResources

/// `tend schema`: the JSON Schema of the config file.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the config file, for editors.",
        discussion: """
        The schema comes from the same type registry tend checks configs with. Point yaml-language-server
        at it with a first line in tend.yaml:
          # yaml-language-server: $schema=./tend.schema.json

        Files named by another config's include need no 'tend:' line; --included prints their schema.

        Examples:
          tend schema > tend.schema.json
          tend schema --included > tend-include.schema.json
        """
    )

    @Flag(help: "The schema of an included file, which needs no 'tend:' line.")
    var included = false

    func run() throws {
        // Every type: the Swift ones, the shipped definitions and the user's own (a broken one is left out).
        let registry = DeclarativeTypes.registry()
        Terminal.write(JSONSchemaGenerator(catalog: registry.catalog).generate(included: included).pretty + "\n")
    }
}
