import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// Broken configs under `Fixtures/invalid`, each with the exact text `tend validate` prints for it.
///
/// A case is either `invalid/NAME.yaml`, or a folder `invalid/NAME/` whose `tend.yaml` is the root (for
/// includes); either way its diagnostics are in `invalid/NAME.expected`. Run with `RECORD_SNAPSHOTS=1` to
/// rewrite the `.expected` files, then read every one before keeping it.
@Suite struct DiagnosticFixtureTests {
    /// The bundled copy of `Fixtures`; relative config paths are read from here.
    static let fixturesDirectory: URL? = Bundle.module.url(forResource: "Fixtures", withExtension: nil)
    /// The checked-in `Fixtures`, where recording writes.
    static let sourceFixturesDirectory = packageRoot.appendingPathComponent("Tests/TendResourcesTests/Fixtures")

    static var caseNames: [String] {
        guard let directory = fixturesDirectory?.appendingPathComponent("invalid"),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return entries.compactMap { entry in
            if entry.hasSuffix(".yaml") { return String(entry.dropLast(".yaml".count)) }
            var isDirectory: ObjCBool = false
            let root = directory.appendingPathComponent(entry).appendingPathComponent("tend.yaml").path
            if FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), !isDirectory.boolValue {
                return entry
            }
            return nil
        }.sorted()
    }

    /// The root file of a case, relative to `Fixtures`: the name diagnostics print.
    static func displayPath(_ name: String) -> String {
        let folderRoot = "invalid/\(name)/tend.yaml"
        let path = fixturesDirectory!.appendingPathComponent(folderRoot).path
        return FileManager.default.fileExists(atPath: path) ? folderRoot : "invalid/\(name).yaml"
    }

    @Test func fixturesAreBundled() throws {
        let directory = try #require(Self.fixturesDirectory, "Fixtures is missing from the test bundle")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("invalid").path))
        #expect(Self.caseNames.count >= 25, "expected at least 25 invalid configs, found \(Self.caseNames.count)")
    }

    @Test func everyExpectationHasItsConfig() throws {
        let directory = try #require(Self.fixturesDirectory).appendingPathComponent("invalid")
        let expectations = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".expected") }.map { String($0.dropLast(".expected".count)) }
        let orphans = Set(expectations).subtracting(Self.caseNames)
        #expect(orphans.isEmpty, "expected files without a config: \(orphans.sorted())")
    }

    @Test(arguments: caseNames)
    func diagnostics(of name: String) throws {
        let fixtures = try #require(Self.fixturesDirectory)
        let loader = fixedLoader(workingDirectory: fixtures.path)
        let result = loader.load(path: Self.displayPath(name))
        let actual = rendered(result)

        #expect(result.hasErrors, "\(name) loaded without errors")
        #expect(result.config == nil, "\(name) produced a config despite errors")
        #expect(result.diagnostics.allSatisfy { !$0.message.isEmpty })

        let expectedURL = Self.sourceFixturesDirectory.appendingPathComponent("invalid/\(name).expected")
        if isRecording {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            // A recording run checks nothing: it fails so that it is never mistaken for a passing one.
            Issue.record(Comment(rawValue: Snapshot.recordedMessage(expectedURL.path)))
            return
        }
        let bundled = fixtures.appendingPathComponent("invalid/\(name).expected")
        guard let data = FileManager.default.contents(atPath: bundled.path) else {
            Issue.record("""
                invalid/\(name).expected is missing; run with RECORD_SNAPSHOTS=1, check it, and keep it. Output:
                \(actual)
                """)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        #expect(actual == expected, "diagnostics of \(name) changed; if intended, re-record with RECORD_SNAPSHOTS=1")
    }
}
