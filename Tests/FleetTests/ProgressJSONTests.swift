import Foundation
import Testing
import TendCore
import TendTestSupport

/// `tend apply --progress json`, what `tend fleet apply` reads from every host: standard output holds only
/// JSON objects, one per line, in the order plan, start/finish per change, result.
@Suite struct ProgressJSONTests {
    @Test func applyPrintsOneJSONObjectPerEventAndNothingElseOnStandardOutput() async throws {
        let home = try TemporaryHome()
        let tend = try BuiltTend(home: home)
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: file
                path: ~/progress.txt
                content: "made\\n"

            """)
        let first = try await tend.run(["apply", "--yes", "--progress", "json", "-c", home.path + "/tend.yaml"])
        #expect(first.status == 0, "\(first.stderr)")
        let events = try first.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(events.map { $0["event"]?.stringValue } == ["plan", "start", "finish", "result"])
        #expect(events[0]["changes"]?.intValue == 1)
        #expect(events[2]["address"]?.stringValue == "file:~/progress.txt")
        #expect(events[2]["status"]?.stringValue == "succeeded")
        #expect(events[3]["status"]?.stringValue == "succeeded")
        #expect(events[3]["changed"]?.intValue == 1)
        #expect(first.stderr.contains("Apply complete"))

        let again = try await tend.run(["apply", "--yes", "--progress", "json", "-c", home.path + "/tend.yaml"])
        let quiet = try again.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(quiet.map { $0["event"]?.stringValue } == ["plan", "result"])
        #expect(quiet[1]["status"]?.stringValue == "converged")
        #expect(quiet[1]["changed"]?.intValue == 0)
    }
}
