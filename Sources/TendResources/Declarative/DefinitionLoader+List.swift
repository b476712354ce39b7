import Foundation
import TendCore
import TendYAML

extension DefinitionLoader {
    /// `list: {argv, exitCodes, env, json | lines}`.
    mutating func readList(_ node: Node, context: TemplateContext) -> TypeDefinition.ListCommand? {
        guard let pairs = node.mapping else {
            error("'list' must be a mapping with 'argv' and 'json' or 'lines', found \(node.kindDescription)", node.mark)
            return nil
        }
        checkKeys(pairs, allowed: ["argv", "exitCodes", "env", "json", "lines"], context: "'list'")
        guard let argvNode = node["argv"] else {
            error("'list' has no 'argv'", node.mark, hint: "one command that lists everything installed")
            return nil
        }
        let argv = readTemplate(argvNode, role: "list", context: context)
        var exitCodes: [Int32] = [0]
        if let codesNode = node["exitCodes"] {
            if let items = codesNode.sequence, !items.isEmpty {
                exitCodes = items.compactMap { item in int(item, "exitCodes item", minimum: 0).map(Int32.init) }
            } else {
                error("'exitCodes' must be a non-empty list of numbers", codesNode.mark)
            }
        }
        var environment: [String: String] = [:]
        if let envNode = node["env"] {
            if let envPairs = envNode.mapping {
                for pair in envPairs {
                    guard let key = pair.key.scalar?.value, let value = string(pair.value, "env value") else { continue }
                    environment[key] = value
                }
            } else {
                error("'env' must be a mapping of names to values", envNode.mark)
            }
        }
        let reading: ListReading?
        switch (node["json"], node["lines"]) {
        case (let json?, nil): reading = readJSON(json, context: context)
        case (nil, let lines?): reading = readLines(lines, context: context)
        case (.some, .some):
            error("'list' has both 'json' and 'lines'; it reads its output one way", node.mark, hint: "keep one")
            reading = nil
        case (nil, nil):
            error("'list' says neither 'json' nor 'lines', so its output cannot be read", node.mark,
                  hint: "add json: {items: ..., fields: {...}} or lines: {pattern: ...}")
            reading = nil
        }
        guard let argv, let reading else { return nil }
        return TypeDefinition.ListCommand(argv: argv, exitCodes: exitCodes, environment: environment, reading: reading)
    }

    private mutating func readJSON(_ node: Node, context: TemplateContext) -> ListReading? {
        guard let pairs = node.mapping else {
            error("'json' must be a mapping with 'items' and 'fields'", node.mark)
            return nil
        }
        checkKeys(pairs, allowed: ["items", "fields"], context: "'json'")
        var items: [String] = []
        if let itemsNode = node["items"], let text = string(itemsNode, "items") {
            if let path = Self.jsonPath(text) {
                items = path
            } else {
                error("'items' must be a path such as '.dependencies' or '.', found \(Value.string(text))", itemsNode.mark)
            }
        } else if node["items"] == nil {
            error("'json' has no 'items'", node.mark, hint: "'.' for the root, '.a.b' for a path")
        }
        var fields: [(String, JSONField)] = []
        guard let fieldsNode = node["fields"], let fieldPairs = fieldsNode.mapping else {
            error("'json' needs 'fields': a mapping of parameters to paths in an item", node["fields"]?.mark ?? node.mark,
                  hint: "for example fields: {name: $key, version: .version}")
            return nil
        }
        for pair in fieldPairs {
            guard let name = pair.key.scalar?.value, let text = string(pair.value, "field") else { continue }
            if context.kinds[name] == nil {
                error("field '\(name)' is not a parameter" + Suggestion.phrase(for: name, in: context.names), pair.key.mark,
                      hint: "parameters: " + context.names.joined(separator: ", "))
            }
            if text == "$key" {
                fields.append((name, .key))
            } else if let path = Self.jsonPath(text) {
                fields.append((name, .path(path)))
            } else {
                error("field '\(name)' must be $key or a path such as '.version', found \(Value.string(text))",
                      pair.value.mark)
            }
        }
        checkKeyListed(fields.map(\.0), context: context, mark: fieldsNode.mark)
        return .json(items: items, fields: fields)
    }

    private mutating func readLines(_ node: Node, context: TemplateContext) -> ListReading? {
        guard let pairs = node.mapping else {
            error("'lines' must be a mapping with 'pattern'", node.mark)
            return nil
        }
        checkKeys(pairs, allowed: ["pattern", "skip"], context: "'lines'")
        let skip = node["skip"].flatMap { int($0, "skip", minimum: 0) } ?? 0
        guard let patternNode = node["pattern"], let pattern = string(patternNode, "pattern") else {
            if node["pattern"] == nil { error("'lines' has no 'pattern'", node.mark) }
            return nil
        }
        do {
            _ = try Regex(pattern)
        } catch {
            self.error("'pattern' is not a valid regular expression: \(error)", patternNode.mark)
            return nil
        }
        let groups = ListOutput.groupNames(in: pattern)
        for name in groups where context.kinds[name] == nil {
            error("group '\(name)' of the pattern is not a parameter" + Suggestion.phrase(for: name, in: context.names),
                  patternNode.mark, hint: "named groups (?<parameter>...) give parameters")
        }
        checkKeyListed(groups, context: context, mark: patternNode.mark)
        return .lines(pattern: pattern, skip: skip)
    }

    private mutating func checkKeyListed(_ names: [String], context: TemplateContext, mark: Mark) {
        guard let key = context.keyName, !names.contains(key) else { return }
        error("the list does not give the key parameter '\(key)', so no item could match a resource", mark,
              hint: "add '\(key)' to the fields or as a named group")
    }

    /// `.` is the root; `.a.b` a path of object keys.
    static func jsonPath(_ text: String) -> [String]? {
        if text == "." { return [] }
        guard text.hasPrefix("."), text.count > 1 else { return nil }
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return parts.contains(where: \.isEmpty) ? nil : parts
    }
}

extension TemplateContext {
    var keyName: String? { keyParameter }
}

extension ListReading {
    /// The parameters the list reports.
    var fieldNames: Set<String> {
        switch self {
        case .json(_, let fields): return Set(fields.map(\.0))
        case .lines(let pattern, _): return Set(ListOutput.groupNames(in: pattern))
        }
    }
}
