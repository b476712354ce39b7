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

        Examples:
          tend schema > tend.schema.json
        """
    )

    func run() throws {
        Terminal.write(JSONSchemaGenerator(catalog: BuiltinSchemas.catalog).generate().pretty + "\n")
    }
}
