import TendYAML

extension JSONSchemaGenerator {
    static let interpolation = JSON.object([("$ref", .string("#/$defs/interpolation"))])

    /// What the loader accepts for a value of `kind`: quoted numbers and booleans where it reads them from text,
    /// and `${...}` wherever it interpolates before checking.
    func kindSchema(_ kind: ParameterKind, nonEmpty: Bool = false) -> [(String, JSON)] {
        switch kind {
        case .string, .path:
            // Paths are never empty; names that key a resource neither.
            let string: [(String, JSON)] = [("type", .string("string"))] + (nonEmpty || kind == .path ? [("minLength", .int(1))] : [])
            return [("anyOf", .array([.object(string), .object([("type", .array([.string("number"), .string("boolean")]))])]))]
        case .int:
            return [("anyOf", .array([
                .object([("type", .string("integer"))]),
                .object([("type", .string("string")), ("pattern", .string("^[+-]?[0-9]+$"))]),
                Self.interpolation,
            ]))]
        case .bool:
            return [("anyOf", .array([
                .object([("type", .string("boolean"))]),
                .object([("enum", .array([.string("true"), .string("false")]))]),
                Self.interpolation,
            ]))]
        case .mode:
            return [("anyOf", .array([.object([("$ref", .string("#/$defs/fileMode"))]), Self.interpolation]))]
        case .map:
            return [("type", .string("object")),
                    ("additionalProperties", .object([("type", .array([.string("string"), .string("number"),
                                                                         .string("boolean"), .string("null")]))]))]
        case .list(let item):
            let itemSchema = JSON.object(kindSchema(item, nonEmpty: nonEmpty))
            return [("anyOf", .array([.object([("type", .string("array")), ("items", itemSchema)]), itemSchema]))]
        }
    }

    /// A file mode: octal digits, quoted or not (the list of integers is long, so it is written once).
    static let fileMode = JSON.object([
        ("description", .string("permission bits in octal; quote them (\"0644\") so no YAML reader takes them for a number")),
        ("anyOf", .array([
            .object([("type", .string("string")), ("pattern", .string("^(0o)?0?[0-7]{3,4}$"))]),
            .object([("type", .string("integer")), ("minimum", .int(100)), ("maximum", .int(7777)),
                     ("not", .object([("enum", .array(nonOctalIntegers.map { .int($0) }))]))]),
        ])),
        ("examples", .array([.string("0644"), .string("0755")])),
    ])

    /// Integers from 100 to 7777 written with an 8 or a 9: an unquoted `mode: 755` is read as its digits, so
    /// these are not modes. JSON Schema has no pattern for numbers, so they are listed.
    static let nonOctalIntegers: [Int] = (100...7777).filter { String($0).contains { $0 == "8" || $0 == "9" } }

    func typeSchema(_ type: TypeSchema) -> JSON {
        var properties: [(String, JSON)] = [
            ("type", described("the resource type: \(type.summary)", [("const", .string(type.name))])),
        ]
        for parameter in type.parameters {
            var schema: [(String, JSON)] = []
            if let allowed = parameter.allowedValues {
                schema.append(("anyOf", .array([.object([("enum", .array(allowed.map { .string($0) }))]), Self.interpolation])))
            } else {
                schema += kindSchema(parameter.kind, nonEmpty: parameter.isKey)
            }
            if let defaultValue = parameter.defaultValue { schema.append(("default", defaultValue.json)) }
            var text = "`\(parameter.name)` (\(parameter.kind)\(parameter.isKey ? ", the key" : parameter.required ? ", required" : "")): \(parameter.summary)"
            if let example = parameter.example { text += "\n\nExample: `\(parameter.name): \(example)`" }
            properties.append((parameter.name, described(text, schema)))
        }
        if type.acceptsPackageList {
            let item = JSON.object([("anyOf", .array([.object([("type", .string("string")), ("minLength", .int(1))]),
                                                      .object([("type", .array([.string("number"), .string("boolean")]))])]))])
            properties.append((MetaParameters.packageList, described(
                "one resource per item, each with `\(type.keyParameter.name)` set to the item; a list, one name, or a list variable",
                [("anyOf", .array([.object([("type", .string("array")), ("minItems", .int(1)), ("items", item)]), item]))])))
        }
        for name in MetaParameters.names where name != "type" && type.parameter(name) == nil {
            let summary = MetaParameters.summaries[name] ?? name
            switch name {
            case "id":
                properties.append((name, described(summary, [("anyOf", .array([
                    .object([("type", .string("string")), ("minLength", .int(1))]),
                    .object([("type", .array([.string("number"), .string("boolean")]))]),
                ]))])))
            case "dependsOn":
                properties.append((name, described(summary + ", each `TYPE:KEY`", [("anyOf", .array([
                    .object([("$ref", .string("#/$defs/address"))]),
                    .object([("type", .string("array")), ("items", .object([("$ref", .string("#/$defs/address"))]))]),
                    .object([("type", .string("null"))]),
                ]))])))
            case "tags":
                properties.append((name, described(summary, [("$ref", .string("#/$defs/scalarList"))])))
            case "sensitive":
                let item = JSON.object([("enum", .array(type.parameters.map { .string($0.name) }))])
                properties.append((name, described(summary, [("anyOf", .array([
                    item, .object([("type", .string("array")), ("items", item)]), .object([("type", .string("null"))]),
                ]))])))
            case "when": properties.append((name, .object([("$ref", .string("#/$defs/when"))])))
            case "ensure":
                properties.append((name, described(summary, [
                    ("anyOf", .array([.object([("enum", .array(MetaParameters.ensureValues.map { .string($0) }))]),
                                      Self.interpolation])),
                    ("default", .string("present")),
                ])))
            case "retry": properties.append((name, .object([("$ref", .string("#/$defs/retry"))])))
            case "timeout":
                properties.append((name, described(summary + "; no limit when unset", duration(positive: true))))
            case "keep":
                properties.append((name, described(summary, [
                    ("anyOf", .array([.object([("type", .string("boolean"))]),
                                      .object([("enum", .array([.string("true"), .string("false")]))])])),
                    ("default", .bool(type.keptByDefault)),
                ])))
            default: break
            }
        }
        let key = type.keyParameter.name
        let others = type.parameters.filter { $0.required && !$0.isKey }.map { JSON.string($0.name) }
        var schema: [(String, JSON)] = [
            ("type", .string("object")),
            ("description", .string(type.summary)),
            ("markdownDescription", .string(type.summary + "\n\n```yaml\n" + type.example + "\n```")),
            ("properties", .object(properties)),
            ("additionalProperties", .bool(false)),
        ]
        let examples = Self.exampleJSON(type.example)
        if !examples.isEmpty { schema.append(("examples", .array(examples))) }
        // `id` renames the address but never stands in for the key: tend requires the key either way.
        var constraints: [JSON] = []
        if type.acceptsPackageList {
            constraints.append(.object([("oneOf", .array([
                .object([("required", .array([.string(key)]))]),
                .object([("required", .array([.string(MetaParameters.packageList)]))]),
            ]))]))
        } else {
            constraints.append(.object([("required", .array([.string(key)]))]))
        }
        var whenPresent: [JSON] = []
        if !others.isEmpty { whenPresent.append(.object([("required", .array(others))])) }
        for rule in type.rules {
            switch rule {
            case .mutuallyExclusive(let names):
                constraints.append(.object([("not", .object([("required", .array(names.map { .string($0) }))]))]))
            case .oneRequired(let names):
                whenPresent.append(.object([("anyOf", .array(names.map { .object([("required", .array([.string($0)]))]) }))]))
            }
        }
        if !whenPresent.isEmpty {
            constraints.append(.object([
                ("if", .object([
                    ("properties", .object([("ensure", .object([("const", .string("absent"))]))])),
                    ("required", .array([.string("ensure")])),
                ])),
                ("else", .object([("allOf", .array(whenPresent))])),
            ]))
        }
        schema.append(("allOf", .array(constraints)))
        return .object(schema)
    }

    /// The resources of a type's YAML example as JSON, for the schema's `examples`.
    static func exampleJSON(_ yaml: String) -> [JSON] {
        guard let root = try? Parser().parse(yaml) else { return [] }
        return (root.sequence ?? [root]).filter { $0.mapping != nil }.map(json)
    }

    private static func json(_ node: Node) -> JSON {
        switch node.content {
        case .scalar(let scalar):
            switch ScalarResolution.resolve(scalar, tag: node.tag) {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .float(let d): return .double(d)
            case .string(let s): return .string(s)
            }
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let pairs): return .object(pairs.map { ($0.key.scalar?.value ?? "", json($0.value)) })
        }
    }
}
