import TendCore
import TendYAML

/// A declarative type as its YAML definition describes it (the format: `resources/types/README` and the
/// definitions beside it), checked by `DefinitionLoader`.
struct TypeDefinition: Sendable {
    /// How a listed item's key is matched with a resource's key.
    enum KeyMatch: String, Sendable, Hashable { case exact, caseInsensitive }

    /// What a modify runs.
    enum Modify: Sendable, Hashable {
        /// Running create again converges in place.
        case create
        /// Destroy, then create.
        case recreate
        case command(ArgvTemplate)
    }

    /// One command with an optional batch form.
    struct Action: Sendable, Hashable {
        var argv: ArgvTemplate
        var batch: ArgvTemplate?
    }

    /// The list command and how to read its output.
    struct ListCommand: Sendable, Hashable {
        var argv: ArgvTemplate
        var exitCodes: [Int32]
        var environment: [String: String]
        var reading: ListReading
    }

    var name: String
    var summary: String
    var description: String?
    /// Host OS values the type applies to; empty means every OS.
    var os: [String]
    var requires: [String]
    var requiresHint: String?
    var root: Bool
    var lockGroup: String?
    var packageList: Bool
    var keyMatch: KeyMatch
    var importable: Bool
    var example: String
    var schema: TypeSchema
    /// Parameters whose values may start with `-`.
    var allowDash: Set<String>
    /// Value patterns per parameter (checked at validate), with their source text.
    var patterns: [String: String]
    var list: ListCommand
    var create: Action
    var destroy: Action?
    var modify: Modify
    var batchSize: Int
    var timeout: Double?
    /// The file the definition was read from, as messages name it.
    var file: String

    var keyParameter: ParameterSchema { schema.keyParameter }

    /// Every template the type can run, with its role, for `tend types NAME`.
    var commands: [(String, ArgvTemplate)] {
        var all: [(String, ArgvTemplate)] = [("list", list.argv), ("create", create.argv)]
        if let batch = create.batch { all.append(("create (batch)", batch)) }
        if let destroy {
            all.append(("destroy", destroy.argv))
            if let batch = destroy.batch { all.append(("destroy (batch)", batch)) }
        }
        if case .command(let argv) = modify { all.append(("modify", argv)) }
        return all
    }
}

/// How the list command's output becomes items: a JSON path, or one regular expression per line.
enum ListReading: Sendable, Hashable {
    /// `items` is a path from the root (`.a.b`, `.`); `fields` maps parameters to paths in an item or `$key`.
    case json(items: [String], fields: [(String, JSONField)])
    /// Named groups of `pattern` are parameters; the first `skip` lines are headers.
    case lines(pattern: String, skip: Int)

    static func == (lhs: ListReading, rhs: ListReading) -> Bool {
        switch (lhs, rhs) {
        case (.json(let a, let f), .json(let b, let g)): return a == b && f.map(\.0) == g.map(\.0) && f.map(\.1) == g.map(\.1)
        case (.lines(let a, let s), .lines(let b, let t)): return a == b && s == t
        default: return false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .json(let items, let fields): hasher.combine(items); hasher.combine(fields.map(\.0))
        case .lines(let pattern, let skip): hasher.combine(pattern); hasher.combine(skip)
        }
    }
}

/// Where a listed field comes from inside one item.
enum JSONField: Sendable, Hashable {
    /// The entry's key, for items of an object.
    case key
    /// A path inside the item; empty for the item itself.
    case path([String])
}
