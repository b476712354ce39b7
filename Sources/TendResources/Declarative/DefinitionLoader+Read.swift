import Foundation
import TendCore
import TendYAML

extension DefinitionLoader {
    /// `[a-z][a-z0-9-]*`: a type name, which is also its file's name.
    static func isTypeName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Reads the whole definition; nil when a part needed to go on is missing (the problems say why).
    mutating func read(_ text: String) -> TypeDefinition? {
        let root: Node
        do {
            guard let parsed = try Parser(maxDepth: 64, maxNodes: 100_000).parse(text) else {
                error("the definition is empty", .start, hint: "start with 'name: \(expectedName)'")
                return nil
            }
            root = parsed
        } catch let yaml as YAMLError {
            error("not valid YAML: \(yaml.message)", yaml.mark)
            return nil
        } catch let other {
            error("not valid YAML: \(other)", .start)
            return nil
        }
        guard let pairs = root.mapping else {
            error("a type definition must be a mapping, found \(root.kindDescription)", root.mark,
                  hint: "start with 'name: \(expectedName)'")
            return nil
        }
        checkKeys(pairs, allowed: Self.topLevelKeys, context: "a type definition")

        var name = expectedName
        if let node = required(root, "name", root.mark, hint: "add 'name: \(expectedName)'"),
           let written = string(node, "name") {
            name = written
            if !Self.isTypeName(written) {
                error("type name \(Value.string(written)) must be lowercase letters, digits and '-', "
                      + "starting with a letter", node.mark)
            } else if written != expectedName {
                error("the definition is named '\(written)' but its file says '\(expectedName)'", node.mark,
                      hint: "name the file \(written).yaml, or write 'name: \(expectedName)'")
            }
            if reservedNames.contains(written) {
                error("'\(written)' is a built-in type of tend; a definition cannot replace it", node.mark,
                      hint: "give the type another name")
            }
        }
        var summary = ""
        if let node = required(root, "summary", root.mark, hint: "add 'summary:' with one line for 'tend types'"),
           let text = string(node, "summary") {
            summary = text
            if text.contains("\n") || text.isEmpty {
                error("'summary' must be one line", node.mark, hint: "put more in 'description'")
            }
        }
        let description = root["description"].flatMap { string($0, "description") }
        var os: [String] = []
        if let node = root["os"], let names = stringList(node, "os") {
            os = names
            for (index, value) in names.enumerated() where !["linux", "macos"].contains(value) {
                let mark = node.sequence?[index].mark ?? node.mark
                error("unknown os \(Value.string(value))" + Suggestion.phrase(for: value, in: ["linux", "macos"]), mark,
                      hint: "os values are those of ${host.os}: linux, macos")
            }
        }
        let requires = root["requires"].flatMap { stringList($0, "requires") } ?? []
        let requiresHint = root["requiresHint"].flatMap { string($0, "requiresHint") }
        let rootFlag = root["root"].flatMap { bool($0, "root") } ?? false
        let lockGroup = root["lockGroup"].flatMap { string($0, "lockGroup") }
        let packageList = root["packageList"].flatMap { bool($0, "packageList") } ?? false
        var keyMatch = TypeDefinition.KeyMatch.exact
        if let node = root["keyMatch"], let text = string(node, "keyMatch") {
            if let match = TypeDefinition.KeyMatch(rawValue: text) {
                keyMatch = match
            } else {
                error("unknown keyMatch \(Value.string(text))" + Suggestion.phrase(for: text, in: ["exact", "caseInsensitive"]),
                      node.mark, hint: "use exact or caseInsensitive")
            }
        }
        let importable = root["import"].flatMap { bool($0, "import") } ?? true
        var example = ""
        if let node = required(root, "example", root.mark,
                               hint: "add 'example: |' with a complete resource, as a config would write it"),
           let text = string(node, "example") {
            example = text.hasSuffix("\n") ? String(text.dropLast()) : text
        }
        let batchSize = root["batchSize"].flatMap { int($0, "batchSize", minimum: 1) }
        let timeout = root["timeout"].flatMap { int($0, "timeout", minimum: 1) }.map(Double.init)

        guard let parametersNode = required(root, "parameters", root.mark,
                                            hint: "add 'parameters:' with one parameter that has 'key: true'"),
              let parameters = readParameters(parametersNode) else { return nil }
        let context = TemplateContext(parameters: parameters)

        // Each part is read even when an earlier one failed, so that one run shows every problem.
        let list = required(root, "list", root.mark, hint: "add 'list:' with one command that lists everything installed")
            .flatMap { readList($0, context: context) }
        let create = required(root, "create", root.mark, hint: "add 'create: {argv: [...]}'")
            .flatMap { readAction($0, "create", context: context) }
        let destroy = root["destroy"].flatMap { readAction($0, "destroy", context: context) }
        var modify = TypeDefinition.Modify.recreate
        if let node = root["modify"] {
            if let scalar = node.scalar, !node.isNull {
                switch scalar.value {
                case "create": modify = .create
                case "recreate": modify = .recreate
                default:
                    error("'modify' must be create, recreate or {argv: [...]}, found \(describe(node))", node.mark,
                          hint: "create: running create again converges in place; recreate: destroy, then create")
                }
            } else if let pairs = node.mapping {
                checkKeys(pairs, allowed: ["argv"], context: "'modify'")
                if let argv = node["argv"], let template = readTemplate(argv, role: "modify", context: context) {
                    modify = .command(template)
                } else if node["argv"] == nil {
                    error("'modify' has no 'argv'", node.mark)
                }
            } else {
                error("'modify' must be create, recreate or {argv: [...]}, found \(node.kindDescription)", node.mark)
            }
        }
        guard let list, let create, root["destroy"] == nil || destroy != nil, diagnostics.isEmpty else { return nil }

        let listed = list.reading.fieldNames
        let specs = parameters.map { parameter -> ParameterSchema in
            var schema = parameter.schema
            // What the list does not report cannot be compared: it is used when the resource is created.
            if !schema.isKey, parameter.comparison == nil, !listed.contains(schema.name) {
                schema.comparison = .createOnly
            }
            return schema
        }
        let allowDash = Set(parameters.filter(\.allowDash).map(\.schema.name))
        let patterns = Dictionary(parameters.compactMap { p in p.pattern.map { (p.schema.name, $0) } },
                                  uniquingKeysWith: { first, _ in first })
        let templates = [list.argv, create.argv] + [create.batch, destroy?.argv, destroy?.batch].compactMap { $0 }
            + { if case .command(let t) = modify { return [t] } else { return [] } }()
        let leading = Set(templates.flatMap(\.strings).compactMap(\.leadingParameter)).subtracting(allowDash)
        let schema = TypeSchema(
            name: name, summary: summary, parameters: specs, acceptsPackageList: packageList, example: example,
            valueCheck: DeclarativeValueCheck(typeName: name, patterns: patterns, optionChecked: leading).check)
        let hasBatch = create.batch != nil || destroy?.batch != nil
        return TypeDefinition(
            name: name, summary: summary, description: description, os: os, requires: requires,
            requiresHint: requiresHint, root: rootFlag, lockGroup: lockGroup, packageList: packageList,
            keyMatch: keyMatch, importable: importable, example: example, schema: schema, allowDash: allowDash,
            patterns: patterns, list: list, create: create, destroy: destroy, modify: modify,
            batchSize: hasBatch ? (batchSize ?? 50) : 1, timeout: timeout, file: file)
    }
}
