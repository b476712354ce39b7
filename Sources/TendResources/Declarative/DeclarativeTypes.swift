import Foundation
import TendCore

/// How the CLI builds its registry: the Swift types plus the declarative ones, read when used.
public enum DeclarativeTypes {
    /// The names no definition may take.
    public static var builtinNames: Set<String> { Set(BuiltinTypes.all.map(\.schema.name)) }

    /// The registry for this user: Swift types, shipped definitions, and `CONFIG_HOME/tend/types/`.
    public static func registry(configHome: String) -> TypeRegistry {
        TypeRegistry(BuiltinTypes.all,
                     library: DefinitionLibrary.forUser(configHome: configHome, builtinNames: builtinNames))
    }

    /// The registry for the user tend runs as (`$XDG_CONFIG_HOME`, else `~/.config`), for commands that read no
    /// config but list types (`tend types`, `tend schema`).
    public static func registry(facts: HostFacts = .current()) -> TypeRegistry {
        let machine = Machine(facts: facts, runner: SystemProcessRunner(baseEnvironment: facts.environment),
                              isRoot: geteuid() == 0)
        return registry(configHome: machine.configHome)
    }

    /// The registry with only the shipped definitions (the checked-in JSON Schema describes these).
    public static var shippedRegistry: TypeRegistry {
        TypeRegistry(BuiltinTypes.all, library: DefinitionLibrary(userDirectory: nil, builtinNames: builtinNames))
    }
}
