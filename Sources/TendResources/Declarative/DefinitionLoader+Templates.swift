import Foundation
import TendCore
import TendYAML

/// What a template check needs to know of the parameters.
struct TemplateContext {
    var kinds: [String: ParameterKind]
    /// Parameters that always have a value: the key, required ones and those with a default.
    var alwaysSet: Set<String>
    var names: [String]
    /// The key parameter's name, when there is exactly one.
    var keyParameter: String?

    init(parameters: [DefinedParameter]) {
        let keys = parameters.filter(\.schema.isKey)
        keyParameter = keys.count == 1 ? keys[0].schema.name : nil
        kinds = Dictionary(parameters.map { ($0.schema.name, $0.schema.kind) }, uniquingKeysWith: { first, _ in first })
        alwaysSet = Set(parameters.filter { $0.schema.required || $0.schema.isKey || $0.schema.defaultValue != nil }
            .map(\.schema.name))
        names = parameters.map(\.schema.name)
    }
}

extension DefinitionLoader {
    /// `{argv: [...], batch: [...]}` of create or destroy.
    mutating func readAction(_ node: Node, _ role: String, context: TemplateContext) -> TypeDefinition.Action? {
        guard let pairs = node.mapping else {
            error("'\(role)' must be a mapping with 'argv' (and optionally 'batch'), found \(node.kindDescription)",
                  node.mark, hint: "write '\(role): {argv: [program, arguments...]}'")
            return nil
        }
        checkKeys(pairs, allowed: ["argv", "batch"], context: "'\(role)'")
        guard let argvNode = node["argv"] else {
            error("'\(role)' has no 'argv'", node.mark, hint: "write '\(role): {argv: [program, arguments...]}'")
            return nil
        }
        let argv = readTemplate(argvNode, role: role, context: context)
        var batch: ArgvTemplate?
        if let batchNode = node["batch"] {
            batch = readTemplate(batchNode, role: "\(role) batch", context: context, batch: true)
            if let batch, !batch.hasEach {
                error("the batch form of '\(role)' has no {each: [...]}", batchNode.mark,
                      hint: "a batch names each resource with {each: [\"{{...}}\"]}")
            }
        }
        guard let argv else { return nil }
        return TypeDefinition.Action(argv: argv, batch: batch)
    }

    /// One argv template, checked: a literal program, no shell or interpreter fed text, known placeholders.
    mutating func readTemplate(_ node: Node, role: String, context: TemplateContext,
                               batch: Bool = false) -> ArgvTemplate? {
        guard let items = node.sequence, !items.isEmpty else {
            error("the argv of '\(role)' must be a non-empty list, found \(node.kindDescription)", node.mark,
                  hint: "write [program, argument, ...]; each item is one argument, never split by a shell")
            return nil
        }
        let before = diagnostics.count
        let elements = readElements(items, role: role, context: context, batch: batch, inEach: false, guarded: [])
        let template = ArgvTemplate(elements: elements, mark: node.mark)
        // The program rules run even after other problems: all of a file's problems are reported at once.
        checkProgram(template, role: role, node: items[0])
        return diagnostics.count == before ? template : nil
    }

    private mutating func readElements(_ items: [Node], role: String, context: TemplateContext, batch: Bool,
                                       inEach: Bool, guarded: Set<String>) -> [TemplateElement] {
        var elements: [TemplateElement] = []
        for item in items {
            if let scalar = item.scalar, !item.isNull {
                switch TemplateString.parse(scalar.value, mark: item.mark) {
                case .failure(let problem):
                    error(problem.message + " in '\(role)'", item.mark, hint: "placeholders are written {{parameter}}")
                case .success(let text):
                    checkPlaceholders(text, role: role, context: context, guarded: guarded)
                    elements.append(.string(text))
                }
            } else if let pairs = item.mapping, item["if"] != nil {
                checkKeys(pairs, allowed: ["if", "then", "else"], context: "an 'if' in '\(role)'")
                guard let conditionNode = item["if"], let parameter = string(conditionNode, "if") else { continue }
                if context.kinds[parameter] == nil {
                    error("'if' names '\(parameter)', which is not a parameter"
                          + Suggestion.phrase(for: parameter, in: context.names), conditionNode.mark,
                          hint: "parameters: " + context.names.joined(separator: ", "))
                }
                let then = branch(item["then"], role: role, context: context, batch: batch, inEach: inEach,
                                  guarded: guarded.union([parameter]), mark: item.mark, name: "then")
                let otherwise = branch(item["else"], role: role, context: context, batch: batch, inEach: inEach,
                                       guarded: guarded, mark: item.mark, name: "else")
                if item["then"] == nil {
                    error("an 'if' in '\(role)' has no 'then'", item.mark, hint: "write {if: p, then: [...], else: [...]}")
                }
                elements.append(.ifSet(parameter: parameter, then: then, otherwise: otherwise, mark: item.mark))
            } else if let pairs = item.mapping, let eachNode = item["each"] {
                checkKeys(pairs, allowed: ["each"], context: "an 'each' in '\(role)'")
                if !batch {
                    error("'each' in '\(role)': only a batch form repeats elements per resource", item.mark,
                          hint: "move it to 'batch: [...]'")
                } else if inEach {
                    error("'each' inside 'each' in '\(role)'", item.mark)
                }
                guard let inner = eachNode.sequence, !inner.isEmpty else {
                    error("'each' must be a non-empty list of elements", eachNode.mark)
                    continue
                }
                let repeated = readElements(inner, role: role, context: context, batch: batch, inEach: true,
                                            guarded: guarded)
                elements.append(.each(repeated, mark: item.mark))
            } else {
                error("an argv element must be text, {if: ...} or {each: ...}, found \(item.kindDescription) in '\(role)'",
                      item.mark)
            }
        }
        return elements
    }

    private mutating func branch(_ node: Node?, role: String, context: TemplateContext, batch: Bool, inEach: Bool,
                                 guarded: Set<String>, mark: Mark, name: String) -> [TemplateElement] {
        guard let node else { return [] }
        guard let items = node.sequence else {
            error("'\(name)' must be a list of elements, found \(node.kindDescription)", node.mark)
            return []
        }
        return readElements(items, role: role, context: context, batch: batch, inEach: inEach, guarded: guarded)
    }

    private mutating func checkPlaceholders(_ text: TemplateString, role: String, context: TemplateContext,
                                            guarded: Set<String>) {
        for piece in text.pieces {
            switch piece {
            case .literal:
                continue
            case .host(let fact):
                if !TemplateString.hostFacts.contains(fact) {
                    error("unknown host fact 'host.\(fact)' in '\(role)'"
                          + Suggestion.phrase(for: fact, in: TemplateString.hostFacts), text.mark,
                          hint: "host facts: " + TemplateString.hostFacts.map { "host.\($0)" }.joined(separator: ", "))
                }
            case .parameter(let name):
                guard let kind = context.kinds[name] else {
                    error("placeholder '{{\(name)}}' in '\(role)' names no parameter"
                          + Suggestion.phrase(for: name, in: context.names), text.mark,
                          hint: "parameters: " + context.names.joined(separator: ", "))
                    continue
                }
                if case .list = kind {
                    error("'{{\(name)}}' in '\(role)' is a list, which cannot fill one argument", text.mark,
                          hint: "use a string parameter")
                } else if kind == .map {
                    error("'{{\(name)}}' in '\(role)' is a mapping, which cannot fill one argument", text.mark)
                } else if !context.alwaysSet.contains(name), !guarded.contains(name) {
                    error("'{{\(name)}}' in '\(role)' may be unset: '\(name)' is optional and has no default",
                          text.mark, hint: "put it inside {if: \(name), then: [...]}, or give '\(name)' a default")
                }
            }
        }
    }
}
