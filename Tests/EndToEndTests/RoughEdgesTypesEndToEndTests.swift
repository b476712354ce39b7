import Foundation
import Testing
import TendCore
import TendTestSupport

/// Item 9: `tend types` is the reference an installed tend carries, so it covers what is not a type's own.
@Suite struct RoughEdgesTypesEndToEndTests {
    @Test func typesDocumentsMetaParametersTopLevelKeysAndInterpolation() async throws {
        let home = try TemporaryHome()
        let output = try await TendBinary(home: home).run(["types"])
        #expect(output.status == 0)
        let lines = output.stdout.components(separatedBy: "\n")
        for name in ["id", "dependsOn", "when", "ensure", "tags", "sensitive", "retry", "timeout", "keep"] {
            let line = lines.first { $0.hasPrefix("  \(name) ") }
            #expect(line.map { $0.count > name.count + 10 } == true, "no line explains '\(name)':\n\(output.stdout)")
        }
        for key in ["tend: 1", "include:", "vars:", "resources:", "${vars.NAME}", "${env.NAME:-default}",
                    "${host.FACT}", "${outputs.ADDRESS.KEY}"] {
            #expect(lines.contains { $0.hasPrefix("  " + key) }, "'\(key)' is not documented:\n\(output.stdout)")
        }
        let file = try await TendBinary(home: home).run(["types", "file"])
        #expect(file.stdout.contains("'tend types' says what each means"))
    }
}
