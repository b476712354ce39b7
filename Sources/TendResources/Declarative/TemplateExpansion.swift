import TendCore

/// Turns argv templates into argv: a pure function of the template, the resources' values and the host facts.
/// One string element always gives exactly one argv element, whatever its value holds (spaces, quotes, `;`,
/// `$(...)`, newlines): nothing here ever passes through a shell.
enum TemplateExpansion {
    /// The values one resource fills a template with.
    struct Values: Sendable, Hashable {
        /// The user's values, else the schema's defaults.
        var parameters: [String: Value]
        /// Parameters whose values may start with `-` (`allowDash: true`).
        var allowDash: Set<String>
    }

    /// The argv for one resource (`each` is refused: it belongs to batch forms).
    static func expand(_ template: ArgvTemplate, values: Values, host: HostFacts) throws(TemplateError) -> [String] {
        try expand(template.elements, values: values, batch: nil, host: host)
    }

    /// The argv for a batch: elements outside `{each}` take `batch[0]`'s values, `{each}` repeats per resource.
    static func expand(_ template: ArgvTemplate, batch: [Values], host: HostFacts) throws(TemplateError) -> [String] {
        guard let first = batch.first else { return [] }
        return try expand(template.elements, values: first, batch: batch, host: host)
    }

    /// True when a value counts as set for `{if}`: present, and not false, empty text or an empty list.
    static func isSet(_ value: Value?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case .string(let text)?: return !text.isEmpty
        case .list(let items)?: return !items.isEmpty
        case .map(let map)?: return !map.isEmpty
        case .int?: return true
        }
    }

    private static func expand(_ elements: [TemplateElement], values: Values, batch: [Values]?,
                               host: HostFacts) throws(TemplateError) -> [String] {
        var argv: [String] = []
        for element in elements {
            switch element {
            case .string(let text):
                argv.append(try fill(text, values: values, host: host))
            case .ifSet(let parameter, let then, let otherwise, _):
                let chosen = isSet(values.parameters[parameter]) ? then : otherwise
                argv += try expand(chosen, values: values, batch: batch, host: host)
            case .each(let items, _):
                guard let batch else { throw .eachOutsideBatch }
                for member in batch {
                    argv += try expand(items, values: member, batch: nil, host: host)
                }
            }
        }
        return argv
    }

    private static func fill(_ text: TemplateString, values: Values, host: HostFacts) throws(TemplateError) -> String {
        var out = ""
        for (index, piece) in text.pieces.enumerated() {
            switch piece {
            case .literal(let literal):
                out += literal
            case .host(let fact):
                guard TemplateString.hostFacts.contains(fact), let value = host.value(of: fact) else {
                    throw .unknownHostFact(fact)
                }
                out += value
            case .parameter(let name):
                guard let value = values.parameters[name], value != .null else { throw .unset(name) }
                let filled: String
                switch value {
                case .string(let string): filled = string
                case .int(let number): filled = String(number)
                case .bool(let flag): filled = flag ? "true" : "false"
                case .null, .list, .map: throw .notScalar(name)
                }
                let leads = text.pieces[..<index].allSatisfy { if case .literal(let l) = $0 { l.isEmpty } else { false } }
                if leads, filled.hasPrefix("-"), !values.allowDash.contains(name) {
                    throw .optionLike(parameter: name, value: filled)
                }
                out += filled
            }
        }
        // An argv element cannot hold NUL: the kernel would cut it there.
        if out.utf8.contains(0) { throw .nul }
        return out
    }
}

/// Why a template could not be filled; apply reports it as the change's failure.
enum TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    case unset(String)
    case notScalar(String)
    case optionLike(parameter: String, value: String)
    case unknownHostFact(String)
    case eachOutsideBatch
    case nul

    var description: String {
        switch self {
        case .unset(let name): return "parameter '\(name)' is not set, and the command needs it"
        case .notScalar(let name): return "parameter '\(name)' is a list or mapping and cannot fill one argument"
        case .optionLike(let name, let value):
            return "\(name) \(Value.string(value)) starts with '-', so the program would read it as an option; "
                + "tend refuses it"
        case .unknownHostFact(let fact): return "'host.\(fact)' is not a host fact tend knows"
        case .eachOutsideBatch: return "'each' may only appear in a batch form"
        case .nul: return "a value holds a NUL character, which no argument can carry"
        }
    }
}
