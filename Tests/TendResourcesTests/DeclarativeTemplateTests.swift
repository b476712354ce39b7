import Foundation
import Testing
import TendCore
import TendYAML
@testable import TendResources

/// Template expansion is a pure function: one template element gives one argv element whatever the value holds.
@Suite struct DeclarativeTemplateTests {
    static let hostile = [
        "two words", "it's \"quoted\"", "$(rm -rf ~)", "`id`", "a; rm -rf /", "line\nbreak", "a|b&c>d", "*", "~",
        "${HOME}", "",
    ]

    /// A template read by the real loader from a one-line YAML list, with `name` (key), `version` and `flag`.
    func template(_ yaml: String, batch: Bool = false) throws -> ArgvTemplate {
        let node = try #require(try Parser().parse(yaml))
        var loader = DefinitionLoader(file: "t.yaml", expectedName: "t", reservedNames: [])
        let parameters = [
            DefinedParameter(schema: ParameterSchema("name", .string, key: true, summary: "n"), comparison: nil,
                             pattern: nil, allowDash: false, mark: .start),
            DefinedParameter(schema: ParameterSchema("version", .string, summary: "v"), comparison: nil,
                             pattern: nil, allowDash: false, mark: .start),
            DefinedParameter(schema: ParameterSchema("opt", .string, summary: "o"), comparison: nil,
                             pattern: nil, allowDash: true, mark: .start),
        ]
        let result = loader.readTemplate(node, role: "create", context: TemplateContext(parameters: parameters),
                                         batch: batch)
        #expect(loader.diagnostics.isEmpty, "\(loader.diagnostics)")
        return try #require(result)
    }

    func values(_ parameters: [String: Value]) -> TemplateExpansion.Values {
        TemplateExpansion.Values(parameters: parameters, allowDash: ["opt"])
    }

    @Test(arguments: hostile)
    func hostileValueStaysOneElement(_ value: String) throws {
        let argv = try TemplateExpansion.expand(try template(#"[tool, install, "{{name}}", "pre-{{name}}-post"]"#),
                                                values: values(["name": .string(value)]), host: fixedHost)
        #expect(argv == ["tool", "install", value, "pre-\(value)-post"])
    }

    @Test func optionLikeValueIsRefusedUnlessAllowDash() throws {
        let refused = try template(#"[tool, "{{name}}"]"#)
        #expect(throws: TemplateError.optionLike(parameter: "name", value: "-x")) {
            try TemplateExpansion.expand(refused, values: values(["name": .string("-x")]), host: fixedHost)
        }
        #expect(throws: TemplateError.optionLike(parameter: "name", value: "--output=/etc/passwd")) {
            try TemplateExpansion.expand(refused, values: values(["name": .string("--output=/etc/passwd")]),
                                         host: fixedHost)
        }
        // Inside an element that does not start with the value, a dash is plain text.
        let inside = try template(#"[tool, "x{{name}}"]"#)
        #expect(try TemplateExpansion.expand(inside, values: values(["name": .string("-x")]), host: fixedHost)
                == ["tool", "x-x"])
        let allowed = try template(#"[tool, "{{name}}", {if: opt, then: ["{{opt}}"]}]"#)
        #expect(try TemplateExpansion.expand(allowed, values: values(["name": .string("a"), "opt": .string("-O2")]),
                                             host: fixedHost) == ["tool", "a", "-O2"])
    }

    @Test func nulIsRefused() throws {
        #expect(throws: TemplateError.nul) {
            try TemplateExpansion.expand(try template(#"[tool, "{{name}}"]"#),
                                         values: values(["name": .string("a\u{0}b")]), host: fixedHost)
        }
    }

    @Test func ifChoosesABranchAndNestsInElseAndEach() throws {
        let nested = try template(
            #"[npm, install, {if: version, then: ["{{name}}@{{version}}"], else: [{if: opt, then: ["{{opt}}"], else: ["{{name}}"]}]}]"#)
        #expect(try TemplateExpansion.expand(nested, values: values(["name": .string("a"), "version": .string("1.*")]),
                                             host: fixedHost) == ["npm", "install", "a@1.*"])
        #expect(try TemplateExpansion.expand(nested, values: values(["name": .string("a"), "opt": .string("b")]),
                                             host: fixedHost) == ["npm", "install", "b"])
        #expect(try TemplateExpansion.expand(nested, values: values(["name": .string("a"), "version": .string("")]),
                                             host: fixedHost) == ["npm", "install", "a"])
        let batch = try template(
            #"[npm, install, {each: [{if: version, then: ["{{name}}@{{version}}"], else: ["{{name}}"]}]}]"#, batch: true)
        let argv = try TemplateExpansion.expand(batch, batch: [
            values(["name": .string("a b")]), values(["name": .string("c"), "version": .string("2")]),
        ], host: fixedHost)
        #expect(argv == ["npm", "install", "a b", "c@2"])
    }

    @Test func hostFactsFillTheirElement() throws {
        let argv = try TemplateExpansion.expand(try template(#"[ls, -1, "{{host.home}}/marks", "{{host.os}}"]"#),
                                                values: values(["name": .string("x")]), host: fixedHost)
        #expect(argv == ["ls", "-1", "/home/me/marks", "linux"])
    }
}
