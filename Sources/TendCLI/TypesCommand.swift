import ArgumentParser
import TendCore
import TendResources

/// `tend types [TYPE]`: the resource types, or one type's parameters and example.
struct TypesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types",
        abstract: "List the resource types, or describe one.",
        discussion: """
        Examples:
          tend types            every type with a one-line description
          tend types file       the parameters of 'file', with defaults and an example
          tend types -c tend.yaml   also the types of the plugins that config names
        """
    )

    @Argument(help: "A type to describe.")
    var type: String?

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let schemas = BuiltinSchemas.all + PluginSchemaLoader.schemas(options)
        let catalog = SchemaCatalog(schemas)
        guard let name = type else {
            Terminal.write(TypeDocumentation.list(schemas))
            return
        }
        guard let schema = catalog[name] else {
            throw ValidationError("unknown type '\(name)'" + Suggestion.phrase(for: name, in: catalog.names)
                                  + "; run 'tend types' to list them")
        }
        Terminal.write(TypeDocumentation.describe(schema))
    }
}
