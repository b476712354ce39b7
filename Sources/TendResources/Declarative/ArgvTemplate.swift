import TendCore
import TendYAML

/// An argv template of a declarative type: each element gives one argv element (a string with `{{...}}`
/// placeholders) or zero or more (`{if}`, and `{each}` in a batch form). Values never split or join elements.
struct ArgvTemplate: Sendable, Hashable {
    var elements: [TemplateElement]
    /// Where the template starts in its definition, for messages.
    var mark: Mark

    /// Every string element, in order, whichever branch it is on.
    var strings: [TemplateString] {
        elements.flatMap(\.strings)
    }

    /// The parameters named anywhere in the template.
    var parameterNames: Set<String> {
        Set(strings.flatMap(\.parameterNames))
    }

    /// The parameters named outside `{each}`: one batch call shares their values.
    var sharedParameterNames: Set<String> {
        Set(elements.flatMap { $0.stringsOutsideEach }.flatMap(\.parameterNames))
    }

    var hasEach: Bool { elements.contains(where: \.containsEach) }
}

/// One element of an argv template.
indirect enum TemplateElement: Sendable, Hashable {
    case string(TemplateString)
    /// The `then` elements when the parameter is set (not false, not empty), else the `else` elements.
    case ifSet(parameter: String, then: [TemplateElement], otherwise: [TemplateElement], mark: Mark)
    /// Repeated once per resource of a batch, in order.
    case each([TemplateElement], mark: Mark)

    var strings: [TemplateString] {
        switch self {
        case .string(let text): return [text]
        case .ifSet(_, let then, let otherwise, _): return (then + otherwise).flatMap(\.strings)
        case .each(let items, _): return items.flatMap(\.strings)
        }
    }

    var stringsOutsideEach: [TemplateString] {
        switch self {
        case .string(let text): return [text]
        case .ifSet(_, let then, let otherwise, _): return (then + otherwise).flatMap(\.stringsOutsideEach)
        case .each: return []
        }
    }

    var containsEach: Bool {
        switch self {
        case .string: return false
        case .ifSet(_, let then, let otherwise, _): return (then + otherwise).contains(where: \.containsEach)
        case .each: return true
        }
    }
}

/// A string element: literal text and placeholders, in order.
struct TemplateString: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case literal(String)
        /// `{{name}}`: a parameter of the type.
        case parameter(String)
        /// `{{host.home}}` and the other host facts.
        case host(String)
    }

    var pieces: [Piece]
    var mark: Mark

    /// The host facts a template may name.
    static let hostFacts = ["home", "user", "os", "arch"]

    var parameterNames: [String] {
        pieces.compactMap { if case .parameter(let name) = $0 { return name } else { return nil } }
    }

    var hasPlaceholder: Bool {
        pieces.contains { if case .literal = $0 { return false } else { return true } }
    }

    /// The text when there is no placeholder.
    var literal: String? {
        hasPlaceholder ? nil : pieces.map { if case .literal(let text) = $0 { return text } else { return "" } }.joined()
    }

    /// The parameter whose value starts the element (`{{name}}@{{version}}` starts with `name`): its value could
    /// be read as an option when it starts with `-`.
    var leadingParameter: String? {
        for piece in pieces {
            switch piece {
            case .literal(let text) where text.isEmpty: continue
            case .parameter(let name): return name
            default: return nil
            }
        }
        return nil
    }

    /// Splits `text` into literal text and `{{...}}` placeholders; nil with a reason for an unclosed or empty one.
    static func parse(_ text: String, mark: Mark) -> Result<TemplateString, TemplateSyntaxError> {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                return .failure(TemplateSyntaxError("'{{' without a closing '}}' in \(Value.string(text))"))
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if name.isEmpty { return .failure(TemplateSyntaxError("an empty placeholder '{{}}' in \(Value.string(text))")) }
            if name.hasPrefix("host.") {
                pieces.append(.host(String(name.dropFirst("host.".count))))
            } else {
                pieces.append(.parameter(name))
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty || pieces.isEmpty { pieces.append(.literal(String(rest))) }
        return .success(TemplateString(pieces: pieces, mark: mark))
    }
}

/// Why a template string could not be read.
struct TemplateSyntaxError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
