import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// `resources/schema/tend.schema.json` is generated from the schema catalog; editors read the checked-in copy.
@Suite struct SchemaSyncTests {
    static let schemaURL = packageRoot.appendingPathComponent("resources/schema/tend.schema.json")

    static let includeSchemaURL = packageRoot.appendingPathComponent("resources/schema/tend-include.schema.json")

    static func generated(included: Bool = false) -> String {
        // The shipped definitions belong to the checked-in schema; a user's own do not.
        JSONSchemaGenerator(catalog: DeclarativeTypes.shippedRegistry.catalog).generate(included: included).pretty + "\n"
    }

    @Test(arguments: [false, true])
    func checkedInSchemaMatchesTheCatalog(included: Bool) throws {
        let expected = Self.generated(included: included)
        let url = included ? Self.includeSchemaURL : Self.schemaURL
        if isRecording {
            try expected.write(to: url, atomically: true, encoding: .utf8)
            Issue.record(Comment(rawValue: Snapshot.recordedMessage(url.path)))
            return
        }
        let checkedIn = FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
        #expect(checkedIn == expected, """
            resources/schema/\(url.lastPathComponent) is out of date with the type schemas; regenerate it with
              XDG_CONFIG_HOME=/nonexistent swift run tend schema\(included ? " --included" : "") > resources/schema/\(url.lastPathComponent)
            (or run the tests with RECORD_SNAPSHOTS=1)
            """)
    }

    @Test func includedFilesNeedNoVersionLine() throws {
        let full = try #require(try JSONSerialization.jsonObject(with: Data(Self.generated().utf8)) as? [String: Any])
        let included = try #require(try JSONSerialization.jsonObject(with: Data(Self.generated(included: true).utf8)) as? [String: Any])
        #expect(full["required"] as? [String] == ["tend"])
        #expect(included["required"] == nil)
    }

    @Test func schemaIsValidJSONWithEveryType() throws {
        let data = Data(Self.generated().utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let definitions = try #require(object["$defs"] as? [String: Any])
        for type in BuiltinSchemas.all {
            #expect(definitions[type.name] != nil, "no definition for \(type.name)")
        }
    }

    /// Editors show a key's description on hover: every property the schema declares has one, and a
    /// markdownDescription, itself or in the definition it refers to (conditions under `if` are not keys).
    @Test func everyKeyIsDescribedForEditors() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(Self.generated().utf8)) as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: Any])
        var undescribed: [String] = []
        func visit(_ node: Any, _ path: String) {
            if let list = node as? [Any] {
                for (index, item) in list.enumerated() { visit(item, path + "/\(index)") }
                return
            }
            guard let object = node as? [String: Any] else { return }
            for (name, value) in (object["properties"] as? [String: Any]) ?? [:] {
                var property = value as? [String: Any] ?? [:]
                if property["description"] == nil, let reference = property["$ref"] as? String {
                    property = definitions[String(reference.split(separator: "/").last ?? "")] as? [String: Any] ?? [:]
                }
                if property["description"] == nil || property["markdownDescription"] == nil {
                    undescribed.append(path + "/properties/" + name)
                }
            }
            for (key, value) in object where key != "if" { visit(value, path + "/" + key) }
        }
        visit(schema, "")
        #expect(undescribed.sorted() == [], "keys without a description")
        let when = try #require((definitions["when"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(((when["os"] as? [String: Any]).map { "\($0)" } ?? "").contains("macos"), "no suggested values for when.os")
    }

    /// Checks the checked-in schema (the one editors read) against the JSON Schema 2020-12 meta-schema, the
    /// examples against it, and a few broken fixtures against it, with python3's `jsonschema` (and PyYAML).
    @Test func examplesValidateAgainstTheSchema() throws {
        try #require(Python.hasJSONSchema, "python3 with the jsonschema and yaml modules is needed: pip install jsonschema pyyaml (CI installs them)")
        let fixtures = "Tests/TendResourcesTests/Fixtures/invalid/"
        // PyYAML reads YAML 1.1 (`yes` is true there), so only fixtures that mean the same in both are used.
        let invalid = ["unknown-type", "unknown-parameter", "content-and-source", "bad-ensure", "missing-version",
                       "unsupported-version", "packages-and-name", "string-given-list", "bad-enum-value",
                       "missing-required-parameter", "unknown-top-level-key", "top-level-list"]
        let arguments = [Self.schemaURL.path, "+examples/minimal.yaml", "+examples/workstation.yaml"]
            + invalid.map { "-" + fixtures + $0 + ".yaml" }
        let run = try Python.run(Python.validationScript, arguments: arguments, in: packageRoot)
        #expect(run.status == 0, "\(run.output)")
    }
}

/// python3, for checks done with Python libraries.
enum Python {
    /// True when `python3` runs and has `jsonschema` and `yaml` (found, not imported: that is slow).
    static let hasJSONSchema: Bool = {
        let script = "import importlib.util as u, sys; sys.exit(0 if u.find_spec('jsonschema') and u.find_spec('yaml') else 1)"
        return (try? run(script, arguments: [], in: packageRoot).status) == 0
    }()

    /// Exit 0 when the schema (argv[1]) is a valid 2020-12 schema, every `+PATH` YAML file validates against
    /// it and every `-PATH` file does not; otherwise prints each problem and exits 1.
    static let validationScript = """
        import json, sys
        import jsonschema, yaml
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        problems = 0
        for argument in sys.argv[2:]:
            path = argument[1:]
            document = json.loads(json.dumps(yaml.safe_load(open(path, encoding="utf-8")), default=str))
            errors = list(validator.iter_errors(document))
            if argument.startswith("+"):
                for e in errors:
                    print("%s: %s: %s" % (path, "/".join(map(str, e.absolute_path)) or "(top)", e.message[:300]))
                    problems += 1
            elif not errors:
                print("%s: the schema accepts this invalid config" % path)
                problems += 1
        sys.exit(1 if problems else 0)
        """

    static func run(_ script: String, arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read before waiting: a full pipe would block the child.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
