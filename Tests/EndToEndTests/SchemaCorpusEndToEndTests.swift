import Foundation
import Testing
import TendCore
import TendTestSupport

/// The JSON Schema `tend schema` prints and `tend validate` give one verdict on every config of a corpus, checked
/// with a JSON Schema validator nobody here wrote (python3's jsonschema, with PyYAML to read the YAML).
@Suite struct SchemaCorpusEndToEndTests {
    static let corpus = TendBinary.packageRoot + "/Tests/TendResourcesTests/Fixtures/schema-corpus"

    /// Configs tend rejects and the schema accepts, each for a rule JSON Schema cannot express
    /// (JSONSchemaGenerator.inexpressibleRules). Nothing else may disagree.
    static let inexpressible: [String: String] = [
        // A graph property: each resource is fine on its own.
        "inexpressible/cycle.yaml": "dependency cycles",
        // JSON Schema's uniqueItems compares whole items, not the address two items share.
        "inexpressible/duplicate-address.yaml": "two resources with one address",
        // The schema cannot see which names vars: defines.
        "inexpressible/unknown-variable.yaml": "unknown ${vars.NAME}",
        "invalid/unknown-variable.yaml": "unknown ${vars.NAME}",
        "invalid/unset-env.yaml": "unset ${env.NAME}",
        "invalid/variable-cycle.yaml": "variables that refer to each other",
        // Any string may hold ${...}; which namespaces and facts exist, and that a list variable is not spliced
        // into text, depend on what the names mean.
        "invalid/bad-interpolation.yaml": "unknown ${host.NAME} and interpolation namespaces",
        "invalid/dependency-cycle.yaml": "dependency cycles",
        "invalid/unknown-depends-on.yaml": "dependsOn addresses that no resource declares",
        "invalid/unknown-output-reference.yaml": "${outputs...} of addresses that no resource declares",
        "invalid/duplicate-address.yaml": "two resources with one address",
        // Once YAML becomes JSON, the earlier of two equal keys is gone.
        "invalid/duplicate-keys.yaml": "duplicate keys in a mapping",
        // The schema reads no files.
        "invalid/missing-include.yaml": "include files that must exist",
        "invalid/missing-source.yaml": "a source file that must exist",
        // Written in Swift per type (package names, shell names, git keys); patterns for them in the schema
        // would be a second copy that drifts.
        "invalid/bad-names.yaml": "each type's own value checks",
        "invalid/special-env-names.yaml": "each type's own value checks",
    ]

    @Test func schemaAndValidateAgreeOnTheCorpus() async throws {
        let home = try TemporaryHome()
        let tend = TendBinary(home: home)
        let schema = try await tend.run(["schema"])
        let includeSchema = try await tend.run(["schema", "--included"])
        try #require(schema.status == 0 && includeSchema.status == 0, "tend schema failed: \(schema.stderr)\(includeSchema.stderr)")
        let schemaPath = try home.write("tend.schema.json", schema.stdout)
        let includeSchemaPath = try home.write("tend-include.schema.json", includeSchema.stdout)

        var files: [(group: String, path: String)] = []
        // The diagnostic fixtures are configs tend rejects, so they are bad ones too; the examples good ones.
        let directories = ["good", "bad", "inexpressible", "included"].map { ($0, Self.corpus + "/" + $0) }
            + [("invalid", Self.corpus + "/../invalid"), ("good", TendBinary.packageRoot + "/examples")]
        for (group, directory) in directories {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
            // Two spellings of one path are one address only under the fixtures' home, /home/me.
            files += names.sorted().filter { $0 != "duplicate-path-spellings.yaml" }.map { (group, directory + "/" + $0) }
        }
        try #require(files.count >= 20, "the corpus at \(Self.corpus) is missing files")

        // tend's verdict; an included file is checked through a config that includes it.
        var tendAccepts: [String: Bool] = [:]
        for file in files {
            var path = file.path
            if file.group == "included" {
                path = try home.write("wrap-\(URL(fileURLWithPath: path).lastPathComponent)", "tend: 1\ninclude: [\"\(path)\"]\n")
            }
            let output = try await tend.run(["validate", "-c", path])
            #expect(output.status == 0 || output.status == 1, "\(file.path): tend validate exited \(output.status): \(output.stderr)")
            tendAccepts[file.path] = output.status == 0
        }

        // The schema's verdict, all files in one python3 run.
        let script = try home.write("verdicts.py", Self.verdictScript)
        let arguments = [script, schemaPath, includeSchemaPath] + files.map { ($0.group == "included" ? "i:" : "c:") + $0.path }
        let started = try? await SystemProcessRunner(useSudo: false).run(Command(["python3"] + arguments, timeout: 600))
        let run = try #require(started, "python3 could not be started; the schema corpus needs it with jsonschema and pyyaml")
        try #require(run.status == 0, """
            the JSON Schema validator could not run; install it with 'pip install jsonschema pyyaml' \
            (CI does, in .ci/run): \(run.output)\(run.errorOutput)
            """)
        var schemaAccepts: [String: Bool] = [:]
        for line in run.output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            schemaAccepts[parts[1]] = parts[0] == "ACCEPT"
        }

        for file in files {
            let name = URL(fileURLWithPath: file.path).lastPathComponent
            let byTend = try #require(tendAccepts[file.path])
            let bySchema = try #require(schemaAccepts[file.path], "no schema verdict for \(file.path): \(run.output)")
            switch file.group {
            case "good", "included":
                #expect(byTend, "\(file.group)/\(name): tend validate rejects it")
                #expect(bySchema, "\(file.group)/\(name): the schema rejects it: \(run.errorOutput)")
            case "bad":
                #expect(!byTend, "bad/\(name): tend validate accepts it")
                #expect(!bySchema, "bad/\(name): the schema accepts it")
            case "invalid":
                #expect(!byTend, "invalid/\(name): tend validate accepts it")
                if Self.inexpressible[file.group + "/" + name] == nil {
                    #expect(!bySchema, "invalid/\(name): the schema accepts it and it is not in the list of inexpressible rules")
                } else {
                    #expect(bySchema, "invalid/\(name): the schema rejects it now; take it off the inexpressible list")
                }
            default:
                #expect(Self.inexpressible[file.group + "/" + name] != nil,
                        "inexpressible/\(name) is not in the commented list of inexpressible rules")
                #expect(!byTend, "inexpressible/\(name): tend validate accepts it")
                #expect(bySchema, "inexpressible/\(name): the schema rejects it, so it belongs under bad/")
            }
        }
    }

    /// Prints `ACCEPT PATH` or `REJECT PATH` per `c:PATH` (a config) or `i:PATH` (an included file), and the
    /// reasons for rejections on stderr. YAML is read as YAML 1.2's core schema, as tend reads it: `0755` is the
    /// integer 755 and `yes` a string (PyYAML's default is YAML 1.1).
    static let verdictScript = #"""
        import json, re, sys
        import jsonschema, yaml

        class Core(yaml.SafeLoader):
            pass
        Core.yaml_implicit_resolvers = {k: [r for r in v if r[0] not in (
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
            for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
        Core.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
        Core.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
        Core.add_implicit_resolver("tag:yaml.org,2002:float",
            re.compile(r"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$"),
            list("-+0123456789."))
        def integer(loader, node):
            text = loader.construct_scalar(node)
            if text.startswith("0o"): return int(text[2:], 8)
            if text.startswith("0x"): return int(text[2:], 16)
            return int(text, 10)
        def boolean(loader, node):
            return loader.construct_scalar(node).lower() == "true"
        Core.add_constructor("tag:yaml.org,2002:int", integer)
        Core.add_constructor("tag:yaml.org,2002:bool", boolean)

        validators = []
        for path in sys.argv[1:3]:
            schema = json.load(open(path))
            jsonschema.Draft202012Validator.check_schema(schema)
            validators.append(jsonschema.Draft202012Validator(schema))
        for argument in sys.argv[3:]:
            kind, path = argument[:2], argument[2:]
            try:
                document = json.loads(json.dumps(yaml.load(open(path, encoding="utf-8"), Loader=Core), default=str))
            except Exception as problem:
                # Not YAML (a tab indent, bad UTF-8, two documents): no schema can accept it.
                sys.stderr.write("%s: unreadable: %s\n" % (path, str(problem).splitlines()[0]))
                print("REJECT " + path)
                continue
            errors = list(validators[1 if kind == "i:" else 0].iter_errors(document))
            for e in errors:
                sys.stderr.write("%s: %s: %s\n" % (path, "/".join(map(str, e.absolute_path)) or "(top)", e.message[:200]))
            print(("REJECT " if errors else "ACCEPT ") + path)
        """#
}
