import Foundation
import Testing
import TendCore
@testable import TendResources

/// Every rejection rule of the definition format, each with its FILE:LINE:COL and hint.
@Suite struct DeclarativeLoaderTests {
    /// A valid definition over coreutils, used as the base that each case breaks in one place.
    static let valid = """
    name: mark
    summary: an empty marker file
    packageList: true
    example: |
      - type: mark
        name: hello
    parameters:
      name:
        kind: string
        key: true
        summary: the marker's name
        pattern: '^[a-z0-9 ._-]+$'
      note:
        kind: string
        summary: not listed, so only used at create
    list:
      argv: [ls, -1, "{{host.home}}/marks"]
      lines:
        pattern: '^(?<name>.+)$'
    create:
      argv: [touch, --, "{{host.home}}/marks/{{name}}"]
      batch: [touch, --, {each: ["{{host.home}}/marks/{{name}}"]}]
    destroy:
      argv: [rm, --, "{{host.home}}/marks/{{name}}"]

    """

    func load(_ text: String, name: String = "mark") -> Result<TypeDefinition, DefinitionProblems> {
        DefinitionLoader.load(text, file: "types/\(name).yaml", expectedName: name, reservedNames: ["apt", "file"])
    }

    func problems(_ text: String, name: String = "mark") -> [String] {
        guard case .failure(let problems) = load(text, name: name) else { return [] }
        return problems.diagnostics.map { d in
            "\(d.location.map(\.description) ?? "-"): \(d.message)" + (d.hint.map { " | \($0)" } ?? "")
        }
    }

    func replacing(_ old: String, with new: String) -> String {
        precondition(Self.valid.contains(old), old)
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    @Test func validDefinitionLoads() throws {
        let definition = try load(Self.valid).get()
        #expect(definition.name == "mark")
        #expect(definition.schema.acceptsPackageList)
        #expect(definition.keyParameter.name == "name")
        #expect(definition.batchSize == 50)
        // A parameter the list does not report cannot be compared with what is there.
        #expect(definition.schema.parameter("note")?.comparison == .createOnly)
        #expect(definition.commands.map(\.0) == ["list", "create", "create (batch)", "destroy"])
    }

    @Test func unknownKeysSayDidYouMean() {
        let found = problems(replacing("summary: an empty", with: "sumary: an empty"))
        #expect(found.contains { $0.hasPrefix("types/mark.yaml:2:1: unknown key 'sumary' in a type definition (did you mean 'summary'?)") })
        let inParameter = problems(replacing("    kind: string\n    key: true", with: "    knd: string\n    key: true"))
        #expect(inParameter.contains { $0.hasPrefix("types/mark.yaml:9:5: unknown key 'knd' in parameter 'name' (did you mean 'kind'?)") })
    }

    @Test func placeholderNamingNoParameter() {
        let found = problems(replacing("marks/{{name}}\"]\n  batch", with: "marks/{{nmae}}\"]\n  batch"))
        #expect(found.contains { $0.hasPrefix("types/mark.yaml:21:21: placeholder '{{nmae}}' in 'create' names no parameter (did you mean 'name'?)") }, "\(found)")
    }

    @Test func keyParameterMustBeExactlyOne() {
        let none = problems(replacing("    key: true\n", with: ""))
        #expect(none.contains { $0.contains("no parameter has 'key: true'") }, "\(none)")
        let two = problems(replacing("    summary: not listed", with: "    key: true\n    summary: not listed"))
        #expect(two.contains { $0.hasPrefix("types/mark.yaml:14:5: a second key parameter 'note'") }, "\(two)")
    }

    @Test func nameMustMatchTheFileAndNotBeABuiltIn() {
        #expect(problems(Self.valid, name: "marker").contains {
            $0.hasPrefix("types/marker.yaml:1:7: the definition is named 'mark' but its file says 'marker'")
        })
        let builtin = problems(Self.valid.replacingOccurrences(of: "name: mark\n", with: "name: apt\n"), name: "apt")
        #expect(builtin.contains { $0.hasPrefix("types/apt.yaml:1:7: 'apt' is a built-in type of tend") }, "\(builtin)")
    }

    @Test func placeholderInTheProgramIsRefused() {
        let found = problems(replacing("argv: [rm, --,", with: "argv: [\"{{name}}\", --,"))
        #expect(found.contains { $0.hasPrefix("types/mark.yaml:24:10: the program of 'destroy' holds a placeholder") }, "\(found)")
    }

    @Test(arguments: [
        ("[sh, -c, \"{{name}}\"]", "runs sh"),
        ("[/bin/bash, -c, \"touch x\"]", "runs bash"),
        ("[busybox, touch, \"{{name}}\"]", "runs busybox"),
        ("[env, FOO=1, sh, -c, \"{{name}}\"]", "runs sh through env"),
        ("[sudo, -n, /usr/bin/zsh, -c, x]", "runs zsh through sudo"),
        ("[python3, -c, \"import os; os.system('{{name}}')\"]", "hands a placeholder to python3 -c"),
        ("[node, --eval, \"{{name}}\"]", "hands a placeholder to node --eval"),
        ("[perl, \"-e{{name}}\"]", "puts a placeholder into the code of perl"),
        ("[env, python3.11, -c, \"{{name}}\"]", "hands a placeholder to env -c"),
    ])
    func shellsAndInterpretersFedTextAreRefusedAtLoad(_ argv: String, _ phrase: String) {
        let found = problems(replacing("argv: [rm, --, \"{{host.home}}/marks/{{name}}\"]", with: "argv: \(argv)"))
        #expect(found.contains { $0.hasPrefix("types/mark.yaml:24:") && $0.contains(phrase) }, "\(found)")
    }

    @Test func interpreterWithFixedCodeAndValuesAsArgumentsIsAllowed() throws {
        let text = replacing("argv: [rm, --, \"{{host.home}}/marks/{{name}}\"]",
                             with: "argv: [python3, -c, \"import sys, os; os.remove(sys.argv[1])\", \"{{name}}\"]")
        _ = try load(text).get()
    }

    @Test func optionalPlaceholderOutsideItsIfIsRefused() {
        let found = problems(replacing("argv: [touch, --, \"{{host.home}}", with: "argv: [touch, \"{{note}}\", --, \"{{host.home}}"))
        #expect(found.contains { $0.hasPrefix("types/mark.yaml:21:17: '{{note}}' in 'create' may be unset") && $0.contains("{if: note") }, "\(found)")
        let guarded = replacing("argv: [touch, --, \"{{host.home}}", with: "argv: [touch, {if: note, then: [\"{{note}}\"]}, --, \"{{host.home}}")
        #expect(problems(guarded).isEmpty)
    }

    @Test func eachOnlyInBatchAndBatchNeedsEach() {
        let outside = problems(replacing("argv: [rm, --, \"{{host.home}}/marks/{{name}}\"]", with: "argv: [rm, --, {each: [\"{{name}}\"]}]"))
        #expect(outside.contains { $0.contains("only a batch form repeats") }, "\(outside)")
        let noEach = problems(replacing("batch: [touch, --, {each: [\"{{host.home}}/marks/{{name}}\"]}]", with: "batch: [touch, --]"))
        #expect(noEach.contains { $0.contains("has no {each: [...]}") }, "\(noEach)")
    }

    @Test func listMustGiveTheKeyAndReadOneWay() {
        let noKey = problems(replacing("'^(?<name>.+)$'", with: "'^(?<note>.+)$'"))
        #expect(noKey.contains { $0.contains("does not give the key parameter 'name'") }, "\(noKey)")
        let badGroup = problems(replacing("'^(?<name>.+)$'", with: "'^(?<name>.+) (?<nope>.)$'"))
        #expect(badGroup.contains { $0.contains("group 'nope' of the pattern is not a parameter") }, "\(badGroup)")
        let neither = problems(replacing("  lines:\n    pattern: '^(?<name>.+)$'\n", with: ""))
        #expect(neither.contains { $0.contains("neither 'json' nor 'lines'") }, "\(neither)")
    }

    @Test func everyProblemOfAFileAtOnce() {
        var text = replacing("summary: an empty", with: "sumary: an empty")
        text = text.replacingOccurrences(of: "argv: [rm, --,", with: "argv: [sh, -c,")
        text = text.replacingOccurrences(of: "marks/{{name}}\"]\n  batch", with: "marks/{{nmae}}\"]\n  batch")
        let found = problems(text)
        #expect(found.contains { $0.contains("'sumary'") })
        #expect(found.contains { $0.contains("runs sh") })
        #expect(found.contains { $0.contains("{{nmae}}") })
        #expect(found.contains { $0.contains("no 'summary'") })
    }

    @Test func yamlErrorsHaveTheirPosition() {
        let found = problems("name: mark\nsummary: [unclosed\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("types/mark.yaml:") == true && found.first?.contains("not valid YAML") == true)
    }

    @Test func patternAndDashAreCheckedOnValues() throws {
        let schema = try load(replacing("argv: [rm, --, \"{{host.home}}/marks/{{name}}\"]",
                                        with: "argv: [rm, \"{{name}}\"]")).get().schema
        let context = ValueCheckContext(home: "/home/me")
        func check(_ name: String) -> [String] {
            let spec = ResourceSpec(address: Address(type: "mark", key: name), type: "mark",
                                    parameters: ["name": .string(name)],
                                    location: SourceLocation(file: "tend.yaml", mark: .start))
            return schema.valueProblems(spec, context: context).map(\.message)
        }
        #expect(check("ok name").isEmpty)
        #expect(check("-rf").first?.contains("starts with '-'") == true)
        #expect(check("UPPER").first?.contains("is not a valid value for type mark") == true)
    }
}
