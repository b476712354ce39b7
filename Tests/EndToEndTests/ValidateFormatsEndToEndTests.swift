import Foundation
import Testing
import TendTestSupport

/// `tend validate --json` and `--format sarif`: the same diagnostics as the text output, as data on standard
/// output, with exit status 1 when there are errors.
@Suite struct ValidateFormatsEndToEndTests {
    static let broken = """
        tend: 1
        resources:
          - type: aptt
            name: git
          - type: file
            path: ~/x
            contents: hi
        """

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    @Test func jsonListsEveryDiagnosticWithItsPlaceAndHint() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.broken)
        let output = try await TendBinary(home: home).run(["validate", "--json"])
        #expect(output.status == 1)
        #expect(output.stderr.isEmpty, "\(output.stderr)")
        let report = try object(output.stdout)
        #expect(report["valid"] as? Bool == false)
        #expect(report["error_count"] as? Int == 2)
        #expect(report["warning_count"] as? Int == 0)
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        try #require(diagnostics.count == 2, "\(output.stdout)")
        #expect(diagnostics[0]["severity"] as? String == "error")
        #expect(diagnostics[0]["message"] as? String == "unknown type 'aptt' (did you mean 'apt'?)")
        #expect(diagnostics[0]["hint"] as? String == "run 'tend types' to list the types")
        #expect(diagnostics[0]["file"] as? String == "tend.yaml")
        #expect(diagnostics[0]["line"] as? Int == 3)
        #expect(diagnostics[0]["column"] as? Int == 11)
        #expect(diagnostics[1]["message"] as? String == "unknown parameter 'contents' for type file (did you mean 'content'?)")
        #expect(diagnostics[1]["line"] as? Int == 7)
        #expect(diagnostics[1]["column"] as? Int == 5)
    }

    @Test func jsonOfAValidConfigSaysSoAndExits0() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: apt\n    packages: [git, curl]\n")
        let output = try await TendBinary(home: home).run(["validate", "--format", "json"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try object(output.stdout)
        #expect(report["valid"] as? Bool == true)
        #expect(report["resource_count"] as? Int == 2)
        #expect((report["diagnostics"] as? [Any])?.isEmpty == true)
    }

    @Test func jsonOfAMissingConfigHasADiagnosticWithoutAPlace() async throws {
        let home = try TemporaryHome()
        let output = try await TendBinary(home: home).run(["validate", "--json", "-c", "nowhere.yaml"])
        #expect(output.status == 1)
        let diagnostics = try #require(try object(output.stdout)["diagnostics"] as? [[String: Any]])
        let first = try #require(diagnostics.first, "\(output.stdout)")
        #expect((first["message"] as? String)?.contains("nowhere.yaml") == true)
        #expect(first["line"] is NSNull)
        #expect(first["file"] is NSNull)
    }

    @Test func sarifHasOneResultPerDiagnosticWithRegionAndHint() async throws {
        let home = try TemporaryHome()
        try home.write("conf dir/tend.yaml", Self.broken)
        let output = try await TendBinary(home: home).run(["validate", "--format", "sarif", "-c", "conf dir/tend.yaml"])
        #expect(output.status == 1)
        #expect(output.stderr.isEmpty, "\(output.stderr)")
        let log = try object(output.stdout)
        #expect(log["version"] as? String == "2.1.0")
        let runs = try #require(log["runs"] as? [[String: Any]])
        try #require(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "tend")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        try #require(results.count == 2, "\(output.stdout)")
        let first = results[0]
        #expect(first["level"] as? String == "error")
        #expect(first["ruleId"] as? String == rules.first?["id"] as? String)
        let text = try #require((first["message"] as? [String: Any])?["text"] as? String)
        #expect(text == "unknown type 'aptt' (did you mean 'apt'?)\nhint: run 'tend types' to list the types")
        let location = try #require((first["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "conf%20dir/tend.yaml")
        let region = try #require(location["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 3)
        #expect(region["startColumn"] as? Int == 11)
    }

    @Test func jsonTogetherWithSarifIsAUsageError() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\n")
        let output = try await TendBinary(home: home).run(["validate", "--json", "--format", "sarif"])
        #expect(output.status == 64)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("--json and --format sarif"))
    }
}
