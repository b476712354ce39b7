import TendCore

/// What `tend types NAME` shows of a declarative type beyond its schema.
extension DeclarativeType {
    /// The definition's `description`, when it has one.
    public var typeDescription: String? { definition.description }
    /// The OSes it applies to; empty means all.
    public var operatingSystems: [String] { definition.os }
    /// Programs it runs, looked up on PATH.
    public var requiredPrograms: [String] { definition.requires }
    /// True when its commands run as root (with `sudo -n` when tend is not root).
    public var runsAsRoot: Bool { definition.root }
    public var typeLockGroup: String? { definition.lockGroup }
    /// The file the definition was read from.
    public var definitionFile: String { definition.file }

    /// Each command it can run ("list", "create", ...) with its argv template as text:
    /// `npm install --global {if version: [{{name}}@{{version}}] else: [{{name}}]}`.
    public var commandTemplates: [(role: String, text: String)] {
        definition.commands.map { ($0.0, Self.render($0.1.elements)) }
    }

    static func render(_ elements: [TemplateElement]) -> String {
        elements.map { element -> String in
            switch element {
            case .string(let text):
                let written = text.pieces.map { piece -> String in
                    switch piece {
                    case .literal(let literal): return literal
                    case .parameter(let name): return "{{\(name)}}"
                    case .host(let fact): return "{{host.\(fact)}}"
                    }
                }.joined()
                return ShellQuoting.quote(written)
            case .ifSet(let parameter, let then, let otherwise, _):
                return "{if \(parameter): [\(render(then))]" + (otherwise.isEmpty ? "" : " else: [\(render(otherwise))]") + "}"
            case .each(let items, _):
                return "{each: [\(render(items))]}"
            }
        }.joined(separator: " ")
    }
}
