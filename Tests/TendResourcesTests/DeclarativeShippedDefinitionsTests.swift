import Foundation
import Testing
import TendCore
import TendTestSupport
@testable import TendResources

/// The shipped definitions are compiled in from `resources/types/*.yaml` by Scripts/generate-shipped-definitions;
/// the folder and the generated table must agree, and every shipped definition must load without a problem.
@Suite struct DeclarativeShippedDefinitionsTests {
    static let folder = packageRoot.appendingPathComponent("resources/types").path

    @Test func generatedTableMatchesTheFolder() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.folder)) ?? []
        var onDisk: [String: String] = [:]
        for file in names where file.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: Self.folder + "/" + file, encoding: .utf8)
            onDisk[String(file.dropLast(".yaml".count))] = text
        }
        let hint = "resources/types/ and ShippedDefinitions.swift differ; run Scripts/generate-shipped-definitions"
        #expect(onDisk.keys.sorted() == ShippedDefinitions.all.keys.sorted(), Comment(rawValue: hint))
        for (name, text) in onDisk {
            #expect(ShippedDefinitions.all[name] == text, Comment(rawValue: "\(name): \(hint)"))
        }
    }

    @Test func everyShippedDefinitionLoads() {
        let library = DefinitionLibrary(userDirectory: nil, builtinNames: DeclarativeTypes.builtinNames)
        for name in ShippedDefinitions.all.keys.sorted() {
            let problems = library.problems(named: name)
            #expect(problems.isEmpty, "\(name): \(problems.map { "\($0.location.map(\.description) ?? ""): \($0.message)" })")
            #expect(library.type(named: name) != nil || !problems.isEmpty)
        }
        #expect(library.parseCount == ShippedDefinitions.all.count)
    }

    /// `tend types NAME` shows the example as a resource to copy: it must be one a config accepts.
    @Test func everyShippedExampleIsAValidResource() throws {
        let catalog = DeclarativeTypes.shippedRegistry.catalog
        for name in ShippedDefinitions.all.keys.sorted() {
            let schema = try #require(catalog[name], "\(name) does not load")
            let body = schema.example.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
            let text = "tend: 1\nresources:\n" + body.joined(separator: "\n") + "\n"
            let result = ConfigLoader(catalog: catalog, host: fixedHost, workingDirectory: "/work")
                .load(text: text, path: "\(name)-example.yaml")
            #expect(result.diagnostics.isEmpty, "example of \(name): \(result.diagnostics.map(\.message))")
            #expect(result.config?.resources.contains { $0.type == name } == true, "the example of \(name) has no \(name)")
        }
    }

    /// A definition's text round-trips through the generator's raw string literal, quotes and backslashes too.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3 for the generator"))
    func generatorKeepsEveryByte() throws {
        let copy = try TemporaryHome(prefix: "tend-gen")
        try copy.write("Scripts/generate-shipped-definitions",
                       try String(contentsOfFile: packageRoot.appendingPathComponent("Scripts/generate-shipped-definitions").path,
                                  encoding: .utf8), mode: 0o755)
        let tricky = "name: tricky\nsummary: \"quotes \\\" and \\\\ and \\\"#\"\npattern: '^\\d+(?<name>.)\"#\\#'\n"
        try copy.write("resources/types/tricky.yaml", tricky)
        try copy.write("Sources/TendResources/Declarative/.keep", "")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [copy.path + "/Scripts/generate-shipped-definitions"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let swift = try String(contentsOfFile: copy.path + "/Sources/TendResources/Declarative/ShippedDefinitions.swift",
                               encoding: .utf8)
        // The literal uses more '#' than any run of '"#' or '\#' in the text, so nothing inside is an escape.
        #expect(swift.contains("\"tricky\": ##\"\"\"\n" + tricky + "\n\"\"\"##,"), "\(swift)")
    }
}
