import Foundation
import TendCore
import TendYAML

/// One parameter as a definition writes it, before it becomes a `ParameterSchema`.
struct DefinedParameter: Sendable {
    var schema: ParameterSchema
    /// The comparison the definition wrote, nil for the kind's default.
    var comparison: Comparison?
    var pattern: String?
    var allowDash: Bool
    var mark: Mark
}

extension DefinitionLoader {
    static let parameterKeys = [
        "kind", "key", "summary", "example", "pattern", "comparison", "modifiable", "required", "default", "allowed",
        "sensitive", "allowDash", "items",
    ]
    static let kinds = ["string", "int", "bool", "path", "mode", "map", "list"]
    static let comparisons: [String: Comparison] = [
        "exact": .exact, "path": .path, "mode": .mode, "unorderedList": .unorderedList,
        "versionPattern": .versionPattern, "createOnly": .createOnly,
    ]

    /// The parameters in written order; nil when none could be read at all.
    mutating func readParameters(_ node: Node) -> [DefinedParameter]? {
        guard let pairs = node.mapping, !pairs.isEmpty else {
            error("'parameters' must be a mapping of parameter names, found \(node.kindDescription)", node.mark,
                  hint: "write 'parameters:' and beneath it 'name: {kind: string, key: true, summary: ...}'")
            return nil
        }
        var parameters: [DefinedParameter] = []
        var seen: Set<String> = []
        for pair in pairs {
            guard let name = pair.key.scalar?.value else {
                error("parameter names must be text", pair.key.mark)
                continue
            }
            if !seen.insert(name).inserted {
                error("parameter '\(name)' is defined twice", pair.key.mark)
                continue
            }
            if !Self.isParameterName(name) {
                error("parameter name \(Value.string(name)) must be a letter then letters, digits, '_' or '-'",
                      pair.key.mark)
                continue
            }
            if MetaParameters.names.contains(name) || name == "packages" {
                error("'\(name)' is a meta-parameter every resource has; a parameter cannot take its name",
                      pair.key.mark, hint: "rename the parameter")
                continue
            }
            if let parameter = readParameter(name, pair.value) { parameters.append(parameter) }
        }
        let keys = parameters.filter(\.schema.isKey)
        if keys.isEmpty {
            error("no parameter has 'key: true'; one names the resource in its address", node.mark,
                  hint: "add 'key: true' to the parameter that names what the type installs")
        } else if keys.count > 1 {
            for key in keys.dropFirst() {
                error("a second key parameter '\(key.schema.name)'; '\(keys[0].schema.name)' is already the key",
                      key.mark, hint: "exactly one parameter has 'key: true'")
            }
        }
        return parameters.isEmpty ? nil : parameters
    }

    /// A letter, then letters, digits, `_` or `-`.
    static func isParameterName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first) || ("a"..."z").contains(first)
        else { return false }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }

    private mutating func readParameter(_ name: String, _ node: Node) -> DefinedParameter? {
        guard let pairs = node.mapping else {
            error("parameter '\(name)' must be a mapping with 'kind' and 'summary', found \(node.kindDescription)",
                  node.mark)
            return nil
        }
        checkKeys(pairs, allowed: Self.parameterKeys, context: "parameter '\(name)'")
        var kind = ParameterKind.string
        if let kindNode = node["kind"], let text = string(kindNode, "kind") {
            switch text {
            case "string": kind = .string
            case "int": kind = .int
            case "bool": kind = .bool
            case "path": kind = .path
            case "mode": kind = .mode
            case "map": kind = .map
            case "list":
                var item = ParameterKind.string
                if let itemsNode = node["items"], let itemText = string(itemsNode, "items") {
                    switch itemText {
                    case "string": item = .string
                    case "int": item = .int
                    case "path": item = .path
                    default:
                        error("list items of '\(name)' must be string, int or path, found \(Value.string(itemText))",
                              itemsNode.mark)
                    }
                }
                kind = .list(item)
            default:
                error("unknown kind \(Value.string(text)) of parameter '\(name)'" + Suggestion.phrase(for: text, in: Self.kinds),
                      kindNode.mark, hint: "kinds: " + Self.kinds.joined(separator: ", "))
                return nil
            }
        } else if node["kind"] == nil {
            error("parameter '\(name)' has no 'kind'", node.mark, hint: "kinds: " + Self.kinds.joined(separator: ", "))
        }
        if node["items"] != nil, case .list = kind {} else if let itemsNode = node["items"] {
            error("'items' is only for kind: list", itemsNode.mark)
        }
        let isKey = node["key"].flatMap { bool($0, "key") } ?? false
        if isKey, !(kind == .string || kind == .path) {
            error("key parameter '\(name)' must be of kind string or path", node["kind"]?.mark ?? node.mark)
        }
        var summary = ""
        if let summaryNode = node["summary"], let text = string(summaryNode, "summary") {
            summary = text
        } else if node["summary"] == nil {
            error("parameter '\(name)' has no 'summary'", node.mark, hint: "add one line for 'tend types'")
        }
        let example = node["example"].flatMap { string($0, "example") }
        var comparison: Comparison?
        if let comparisonNode = node["comparison"], let text = string(comparisonNode, "comparison") {
            comparison = Self.comparisons[text]
            if comparison == nil {
                error("unknown comparison \(Value.string(text))" + Suggestion.phrase(for: text, in: Self.comparisons.keys.sorted()),
                      comparisonNode.mark, hint: "comparisons: " + Self.comparisons.keys.sorted().joined(separator: ", "))
            }
        }
        let modifiable = node["modifiable"].flatMap { bool($0, "modifiable") } ?? true
        let required = node["required"].flatMap { bool($0, "required") } ?? false
        let sensitive = node["sensitive"].flatMap { bool($0, "sensitive") } ?? false
        let allowDash = node["allowDash"].flatMap { bool($0, "allowDash") } ?? false
        var allowed: [String]?
        if let allowedNode = node["allowed"] {
            allowed = stringList(allowedNode, "allowed")
        }
        var pattern: String?
        if let patternNode = node["pattern"], let text = string(patternNode, "pattern") {
            do {
                _ = try Regex(text)
                pattern = text
            } catch {
                self.error("pattern of '\(name)' is not a valid regular expression: \(error)", patternNode.mark)
            }
        }
        var defaultValue: Value?
        if let defaultNode = node["default"] {
            defaultValue = value(defaultNode, kind: kind, name: name)
            if let allowed, let text = defaultValue?.stringValue, !allowed.contains(text) {
                error("default \(Value.string(text)) of '\(name)' is not one of its allowed values", defaultNode.mark)
            }
        }
        let schema = ParameterSchema(name, kind, required: required, default: defaultValue, allowed: allowed,
                                     key: isKey, modifiable: modifiable, sensitive: sensitive,
                                     comparison: comparison, summary: summary, example: example)
        return DefinedParameter(schema: schema, comparison: comparison, pattern: pattern, allowDash: allowDash,
                                mark: node.mark)
    }

    /// A default value read as the parameter's kind.
    private mutating func value(_ node: Node, kind: ParameterKind, name: String) -> Value? {
        switch kind {
        case .string, .path, .mode:
            return string(node, "default").map(Value.string)
        case .int:
            if let scalar = node.scalar, let number = Int(scalar.value) { return .int(number) }
        case .bool:
            return bool(node, "default").map(Value.bool)
        case .list:
            if let items = node.sequence {
                return .list(items.compactMap { item in string(item, "default item").map(Value.string) })
            }
        case .map:
            if let pairs = node.mapping {
                var map: [String: Value] = [:]
                for pair in pairs {
                    if let key = pair.key.scalar?.value, let text = string(pair.value, "default entry") {
                        map[key] = .string(text)
                    }
                }
                return .map(map)
            }
        }
        error("default of '\(name)' must be \(kind.expectation), found \(describe(node))", node.mark)
        return nil
    }
}
