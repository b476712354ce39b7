/// Writes the JSON Schema (2020-12) of the config file from the schema catalog, one definition per type, so
/// that editors running yaml-language-server complete and check a tend.yaml.
public struct JSONSchemaGenerator: Sendable {
    public var catalog: SchemaCatalog

    public init(catalog: SchemaCatalog) {
        self.catalog = catalog
    }

    public func generate() -> JSON {
        var definitions: [(String, JSON)] = [
            ("interpolation", .object([
                ("type", .string("string")),
                ("pattern", .string("\\$\\{[^}]+\\}")),
                ("description", .string("${vars.NAME}, ${env.NAME}, ${host.NAME} or ${outputs.ADDRESS.KEY}")),
            ])),
            ("stringList", .object([
                ("oneOf", .array([
                    .object([("type", .string("string"))]),
                    .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))]),
                ])),
            ])),
            ("when", whenSchema()),
            ("retry", .object([
                ("type", .string("object")),
                ("description", .string(MetaParameters.summaries["retry"]!)),
                ("properties", .object([
                    ("attempts", .object([("type", .string("integer")), ("minimum", .int(1))])),
                    ("backoff", duration()),
                ])),
                ("additionalProperties", .bool(false)),
            ])),
        ]
        let types = catalog.all
        definitions.append(("resource", .object([
            ("type", .string("object")),
            ("required", .array([.string("type")])),
            ("properties", .object([
                ("type", .object([
                    ("description", .string("the resource type; `tend types` lists them")),
                    ("enum", .array(types.map { .string($0.name) })),
                ])),
            ])),
            ("allOf", .array(types.map { type in
                .object([
                    ("if", .object([
                        ("properties", .object([("type", .object([("const", .string(type.name))]))])),
                        ("required", .array([.string("type")])),
                    ])),
                    ("then", .object([("$ref", .string("#/$defs/\(type.name)"))])),
                ])
            })),
        ])))
        for type in types {
            definitions.append((type.name, typeSchema(type)))
        }
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("tend configuration")),
            ("description", .string("A machine's packages, dotfiles, shell profile, git settings and scripts, for tend.")),
            ("type", .string("object")),
            ("required", .array([.string("tend")])),
            ("properties", .object([
                ("tend", .object([("description", .string("the format version")), ("const", .int(ConfigLoader.formatVersion))])),
                ("include", .object([
                    ("description", .string("other config files, relative to this one")),
                    ("$ref", .string("#/$defs/stringList")),
                ])),
                ("vars", .object([
                    ("description", .string("values for ${vars.NAME}")),
                    ("type", .string("object")),
                ])),
                ("plugins", .object([
                    ("description", .string("external plugin executables, relative to this file")),
                    ("$ref", .string("#/$defs/stringList")),
                ])),
                ("resources", .object([
                    ("description", .string("what this machine should have")),
                    ("type", .string("array")),
                    ("items", .object([("$ref", .string("#/$defs/resource"))])),
                ])),
            ])),
            ("additionalProperties", .bool(false)),
            ("$defs", .object(definitions)),
        ])
    }

    private func duration() -> JSON {
        .object([
            ("description", .string("seconds, or a duration such as 90s, 5m, 1h")),
            ("oneOf", .array([
                .object([("type", .string("number")), ("minimum", .int(0))]),
                .object([("type", .string("string")), ("pattern", .string("^[0-9.]+(ms|s|m|h)?$"))]),
            ])),
        ])
    }

    private func whenSchema() -> JSON {
        var properties: [(String, JSON)] = ["os", "distro", "arch", "hostname"].map {
            ($0, .object([("$ref", .string("#/$defs/stringList"))]))
        }
        properties.append(("env", .object([
            ("description", .string("variables that must be set (a list) or have these values (a mapping)")),
            ("oneOf", .array([
                .object([("type", .string("object")), ("additionalProperties", .object([("type", .array([.string("string"), .string("null")]))]))]),
                .object([("$ref", .string("#/$defs/stringList"))]),
            ])),
        ])))
        return .object([
            ("type", .string("object")),
            ("description", .string(MetaParameters.summaries["when"]!)),
            ("properties", .object(properties)),
            ("additionalProperties", .bool(false)),
        ])
    }

    private func kindSchema(_ kind: ParameterKind) -> [(String, JSON)] {
        let interpolation = JSON.object([("$ref", .string("#/$defs/interpolation"))])
        switch kind {
        case .string, .path:
            return [("type", .array([.string("string"), .string("number"), .string("boolean")]))]
        case .int:
            return [("anyOf", .array([.object([("type", .string("integer"))]), interpolation]))]
        case .bool:
            return [("anyOf", .array([.object([("type", .string("boolean"))]), interpolation]))]
        case .mode:
            return [("anyOf", .array([
                .object([("type", .string("string")), ("pattern", .string("^(0o)?[0-7]{3,4}$"))]),
                .object([("type", .string("integer"))]),
            ]))]
        case .map:
            return [("type", .string("object")),
                    ("additionalProperties", .object([("type", .array([.string("string"), .string("number"), .string("boolean")]))]))]
        case .list(let item):
            let itemSchema = JSON.object(kindSchema(item))
            return [("anyOf", .array([.object([("type", .string("array")), ("items", itemSchema)]), itemSchema]))]
        }
    }

    private func typeSchema(_ type: TypeSchema) -> JSON {
        var properties: [(String, JSON)] = [
            ("type", .object([("const", .string(type.name))])),
        ]
        for parameter in type.parameters {
            var schema: [(String, JSON)] = [("description", .string(parameter.summary))]
            if let allowed = parameter.allowedValues {
                schema.append(("enum", .array(allowed.map { .string($0) })))
            } else {
                schema += kindSchema(parameter.kind)
            }
            if let defaultValue = parameter.defaultValue { schema.append(("default", defaultValue.json)) }
            properties.append((parameter.name, .object(schema)))
        }
        if type.acceptsPackageList {
            properties.append((MetaParameters.packageList, .object([
                ("description", .string("one resource per item, each with \(type.keyParameter.name) set to the item")),
                ("type", .string("array")),
                ("items", .object([("type", .string("string"))])),
            ])))
        }
        for name in MetaParameters.names where name != "type" && type.parameter(name) == nil {
            let summary = JSON.string(MetaParameters.summaries[name] ?? name)
            switch name {
            case "id": properties.append((name, .object([("description", summary), ("type", .string("string"))])))
            case "dependsOn", "tags":
                properties.append((name, .object([("description", summary), ("$ref", .string("#/$defs/stringList"))])))
            case "sensitive":
                properties.append((name, .object([
                    ("description", summary),
                    ("type", .string("array")),
                    ("items", .object([("enum", .array(type.parameters.map { .string($0.name) }))])),
                ])))
            case "when": properties.append((name, .object([("$ref", .string("#/$defs/when"))])))
            case "ensure":
                properties.append((name, .object([("description", summary),
                                                  ("enum", .array(MetaParameters.ensureValues.map { .string($0) }))])))
            case "retry": properties.append((name, .object([("$ref", .string("#/$defs/retry"))])))
            case "timeout": properties.append((name, duration()))
            case "keep":
                properties.append((name, .object([("description", summary), ("type", .string("boolean")),
                                                  ("default", .bool(type.keptByDefault))])))
            default: break
            }
        }
        let key = type.keyParameter.name
        let others = type.parameters.filter { $0.required && !$0.isKey }.map { JSON.string($0.name) }
        var schema: [(String, JSON)] = [
            ("type", .string("object")),
            ("description", .string(type.summary)),
            ("properties", .object(properties)),
            ("additionalProperties", .bool(false)),
        ]
        var constraints: [JSON] = []
        if type.acceptsPackageList {
            constraints.append(.object([("oneOf", .array([
                .object([("required", .array([.string(key)]))]),
                .object([("required", .array([.string(MetaParameters.packageList)]))]),
            ]))]))
        } else if key == "id" {
            constraints.append(.object([("required", .array([.string(key)]))]))
        } else {
            constraints.append(.object([("anyOf", .array([
                .object([("required", .array([.string(key)]))]),
                .object([("required", .array([.string("id")]))]),
            ]))]))
        }
        if !others.isEmpty {
            constraints.append(.object([
                ("if", .object([
                    ("properties", .object([("ensure", .object([("const", .string("absent"))]))])),
                    ("required", .array([.string("ensure")])),
                ])),
                ("else", .object([("required", .array(others))])),
            ]))
        }
        for rule in type.rules {
            if case .mutuallyExclusive(let names) = rule {
                constraints.append(.object([("not", .object([("required", .array(names.map { .string($0) }))]))]))
            }
        }
        schema.append(("allOf", .array(constraints)))
        return .object(schema)
    }
}
