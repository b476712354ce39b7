/// Writes the JSON Schema (2020-12) of the config file from the schema catalog, one definition per type, so
/// that editors running yaml-language-server complete and check a tend.yaml. It accepts what `tend validate`
/// accepts and rejects what it rejects, except for the rules listed in `inexpressibleRules`.
public struct JSONSchemaGenerator: Sendable {
    public var catalog: SchemaCatalog

    /// What `tend validate` checks and JSON Schema cannot say, so a config may pass the schema and still fail.
    public static let inexpressibleRules: [String] = [
        "dependency cycles and dependsOn addresses that no resource declares",
        "two resources with one address, and duplicate keys in a mapping",
        "unknown ${vars.NAME}, unset ${env.NAME}, unknown ${host.NAME}, variables that refer to each other, and the kind a variable's value has",
        "each type's own value checks, written in Swift per type (package names, shell names, git-config keys)",
        "files that must exist (source:, include:) and includes that must not include each other",
        // The one way round where the schema is the stricter: YAML hands a validator the number, not its digits.
        "the spelling of an unquoted number: `mode: 0o755` reaches a schema validator as 493, so quote modes",
    ]

    public init(catalog: SchemaCatalog) {
        self.catalog = catalog
    }

    /// The schema of a config file; `included: true` gives the one for files named by `include:`, which need no
    /// `tend:` line of their own.
    public func generate(included: Bool = false) -> JSON {
        var definitions: [(String, JSON)] = [
            ("interpolation", .object([
                ("type", .string("string")),
                ("pattern", .string("\\$\\{[^}]+\\}")),
                ("description", .string("${vars.NAME}, ${env.NAME}, ${host.NAME} or ${outputs.ADDRESS.KEY}")),
            ])),
            ("scalar", .object([("type", .array([.string("string"), .string("number"), .string("boolean")]))])),
            ("scalarList", .object([
                ("description", .string("one value, or a list of them")),
                ("anyOf", .array([
                    .object([("$ref", .string("#/$defs/scalar"))]),
                    .object([("type", .string("array")), ("items", .object([("$ref", .string("#/$defs/scalar"))]))]),
                    .object([("type", .string("null"))]),
                ])),
            ])),
            ("fileMode", Self.fileMode),
            ("when", whenSchema()),
            ("retry", retrySchema()),
            ("address", .object([
                ("description", .string("a resource address, TYPE:KEY, such as apt:git or file:~/.gitconfig")),
                ("type", .string("string")),
                ("anyOf", .array([
                    .object([("pattern", .string("^[^:]+:.+$"))]),
                    .object([("$ref", .string("#/$defs/interpolation"))]),
                ])),
            ])),
        ]
        let types = catalog.all
        definitions.append(("resource", .object([
            ("type", .string("object")),
            ("required", .array([.string("type")])),
            ("properties", .object([
                ("type", described("the resource type; `tend types` lists them", [
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
        var top: [(String, JSON)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string(included ? "tend configuration (an included file)" : "tend configuration")),
            ("description", .string(included
                ? "A file named by another tend config's include: the same keys, and no tend: line needed."
                : "A machine's packages, dotfiles, shell profile, git settings and scripts, for tend.")),
            ("$comment", .string("tend validate also checks what JSON Schema cannot say: "
                                 + Self.inexpressibleRules.joined(separator: "; "))),
            ("type", .string("object")),
        ]
        if !included { top.append(("required", .array([.string("tend")]))) }
        top += [
            ("properties", .object([
                ("tend", described("the format version; write `tend: \(ConfigLoader.formatVersion)` unquoted",
                                   [("const", .int(ConfigLoader.formatVersion))])),
                ("include", described("other config files, relative to this one", [("$ref", .string("#/$defs/scalarList"))])),
                ("vars", described("values for `${vars.NAME}`; a value keeps its spelling (`010` stays 010)",
                                   [("type", .array([.string("object"), .string("null")]))])),
                ("plugins", described("external plugin executables, relative to this file",
                                      [("$ref", .string("#/$defs/scalarList"))])),
                ("report_to", described("the fleet's PostgreSQL (`postgres://USER@HOST/DATABASE`): every run and plan is reported there; keep the password in ~/.pgpass",
                                        [("type", .string("string")), ("pattern", .string("^postgres(ql)?://"))])),
                ("resources", described("what this machine should have", [
                    ("type", .array([.string("array"), .string("null")])),
                    ("items", .object([("$ref", .string("#/$defs/resource"))])),
                ])),
            ])),
            ("additionalProperties", .bool(false)),
            ("$defs", .object(definitions)),
        ]
        return .object(top)
    }

    /// A property with the same text as `description` and `markdownDescription` (editors show the latter).
    func described(_ text: String, _ rest: [(String, JSON)]) -> JSON {
        .object([("description", .string(text.replacingOccurrences(of: "`", with: ""))),
                 ("markdownDescription", .string(text))] + rest)
    }

    func duration(positive: Bool) -> [(String, JSON)] {
        var text: [(String, JSON)] = [("type", .string("string")), ("pattern", .string("^\\+?([0-9]+\\.?[0-9]*|\\.[0-9]+)(ms|s|m|h)?$"))]
        // `timeout` must be more than nothing; `0`, `0.0s` and the like are refused.
        if positive { text.append(("not", .object([("pattern", .string("^\\+?0*\\.?0*(ms|s|m|h)?$"))]))) }
        return [("anyOf", .array([
            .object([("type", .string("number")), (positive ? "exclusiveMinimum" : "minimum", .int(0))]),
            .object(text),
        ]))]
    }

    private func retrySchema() -> JSON {
        described(MetaParameters.summaries["retry"]!, [
            ("type", .string("object")),
            ("properties", .object([
                ("attempts", described("how many times to try a command that fails in a retryable way, at least 1", [
                    ("anyOf", .array([
                        .object([("type", .string("integer")), ("minimum", .int(1))]),
                        .object([("type", .string("string")), ("pattern", .string("^\\+?0*[1-9][0-9]*$"))]),
                    ])),
                    ("default", .int(ResourceSpec.RetryPolicy().attempts)),
                ])),
                ("backoff", described("seconds to wait before the next attempt, or a duration such as 2s",
                                      duration(positive: false) + [("default", .int(Int(ResourceSpec.RetryPolicy().backoff)))])),
            ])),
            ("additionalProperties", .bool(false)),
            ("default", .object([("attempts", .int(ResourceSpec.RetryPolicy().attempts)),
                                 ("backoff", .int(Int(ResourceSpec.RetryPolicy().backoff)))])),
            ("examples", .array([.object([("attempts", .int(5)), ("backoff", .string("2s"))])])),
        ])
    }

    private func whenSchema() -> JSON {
        let suggested: [String: [String]] = ["os": ["linux", "macos"], "arch": ["x86_64", "aarch64", "arm64"]]
        let summaries = [
            "os": "the operating system: `linux` or `macos`; one value or a list, any of which matches",
            "distro": "the Linux distribution's ID from /etc/os-release, such as `debian` or `ubuntu`",
            "arch": "the machine architecture as `uname -m` prints it: `x86_64`, `aarch64`, `arm64`",
            "hostname": "the host's name; one value or a list, any of which matches",
            "group": "a group of the fleet inventory (fleet.yaml) the host is in; one value or a list, any of which matches",
        ]
        var properties: [(String, JSON)] = ["os", "distro", "arch", "hostname", "group"].map { name in
            guard let values = suggested[name] else {
                return (name, described(summaries[name]!, [("$ref", .string("#/$defs/scalarList"))]))
            }
            // The known values are offered for completion; others are allowed, they simply never match.
            let item = JSON.object([("anyOf", .array([.object([("enum", .array(values.map { .string($0) }))]),
                                                      .object([("$ref", .string("#/$defs/scalar"))])]))])
            return (name, described(summaries[name]!, [("anyOf", .array([
                item, .object([("type", .string("array")), ("items", item)]), .object([("type", .string("null"))]),
            ]))]))
        }
        properties.append(("env", described(
            "environment variables that must be set (a list) or have these values (a mapping; null: set to anything)", [
                ("anyOf", .array([
                    .object([("type", .string("object")), ("additionalProperties", .object([
                        ("type", .array([.string("string"), .string("number"), .string("boolean"), .string("null")])),
                    ]))]),
                    .object([("$ref", .string("#/$defs/scalarList"))]),
                ])),
            ])))
        return described(MetaParameters.summaries["when"]!, [
            ("type", .string("object")),
            ("properties", .object(properties)),
            ("additionalProperties", .bool(false)),
            ("examples", .array([.object([("os", .string("linux")), ("distro", .array([.string("debian"), .string("ubuntu")]))])])),
        ])
    }
}
