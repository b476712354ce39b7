import Foundation
import Testing
import TendCore
import TendTestSupport

/// Every run counts: an apply with nothing to do is recorded as a converged run (no PostgreSQL involved).
@Suite struct ConvergedRunTests {
    @Test func twentyConvergedRunsAreTwentyRunsInTheHistory() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", FleetDatabase.fileConfig)
        let tend = try BuiltTend(home: home)
        let first = try await tend.run(["apply", "--yes"])
        #expect(first.status == 0, "\(first.stderr)")
        for _ in 0..<20 {
            let again = try await tend.run(["apply", "--yes"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("No changes"))
        }
        let history = try await tend.run(["history", "--limit", "0", "--json"])
        let runs = try #require(try JSON.parse(history.stdout).arrayValue)
        #expect(runs.count == 21)
        let statuses = runs.compactMap { $0["status"]?.stringValue }
        #expect(statuses.filter { $0 == "converged" }.count == 20, "\(statuses)")
        #expect(statuses.last == "succeeded")
        let text = try await tend.run(["history"])
        #expect(text.stdout.contains("converged"))
        // A converged run has an end: "last converged at" is known locally.
        let store = try SQLiteStateStore(path: tend.environment["TEND_STATE"]!)
        let newest = try #require(try store.runs(limit: 1).first)
        #expect(newest.status == .converged && newest.endedAt != nil)
        // 'tend report' still shows the run that changed something; the converged one is there by number.
        let report = try await tend.run(["report", "--format", "json"])
        #expect(try JSON.parse(report.stdout)["run"]?["status"]?.stringValue == "succeeded")
        let byNumber = try await tend.run(["report", "21", "--format", "json"])
        #expect(try JSON.parse(byNumber.stdout)["run"]?["status"]?.stringValue == "converged")
        // Without a report URL nothing waits for PostgreSQL.
        #expect(try store.outboxCount() == 0)
    }

    @Test func aNoOpDestroyIsNotARun() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", FleetDatabase.fileConfig)
        let tend = try BuiltTend(home: home)
        let destroy = try await tend.run(["destroy", "--all", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stderr)")
        let store = try SQLiteStateStore(path: tend.environment["TEND_STATE"]!)
        #expect(try store.runs(limit: 0).isEmpty)
    }
}
