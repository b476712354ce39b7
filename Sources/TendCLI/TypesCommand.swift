import ArgumentParser
import TendCore
import TendResources

/// `tend types [TYPE]`: the resource types, or one type's parameters and example.
struct TypesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types",
        abstract: "List the resource types, or describe one.",
        discussion: """
        Lists the built-in types, the shipped definitions and your own, which are read from \
        ~/.config/tend/types/ (or $XDG_CONFIG_HOME/tend/types/). A broken definition is listed with its error.

        Examples:
          tend types            every type with a one-line description
          tend types file       the parameters of 'file', with defaults and an example
        """
    )

    @Argument(help: "A type to describe.")
    var type: String?

    func run() throws {
        let registry = DeclarativeTypes.registry()
        let library = registry.library as? DefinitionLibrary
        guard let name = type else {
            Terminal.write(TypeDocumentation.list(registry))
            return
        }
        let catalog = registry.catalog
        guard let schema = catalog[name] else {
            let problems = catalog.definitionProblems(name)
            if !problems.isEmpty {
                throw CommandFailure("the definition of type '\(name)' has errors:\n"
                                     + problems.map(TypeDocumentation.line).joined(separator: "\n"))
            }
            throw ValidationError("unknown type '\(name)'" + Suggestion.phrase(for: name, in: catalog.names)
                                  + "; run 'tend types' to list them")
        }
        var text = TypeDocumentation.describe(schema)
        if let declarative = registry[name] as? DeclarativeType {
            text += TypeDocumentation.describe(declarative, origin: library?.origin(of: name))
        } else {
            text += "\nOrigin: built-in\n"
        }
        Terminal.write(text)
    }
}
