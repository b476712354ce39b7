import Testing
import TendTestSupport

/// `report_to:` is checked like every other key, with the file, line and column of the bad value.
@Suite struct ReportConfigTests {
    @Test func aReportToThatIsNotAPostgresURLIsAnError() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nreport_to: mysql://db/fleet\nresources: []\n")
        let tend = try BuiltTend(home: home)
        let validate = try await tend.run(["validate"])
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("tend.yaml:2:12: error: 'report_to' must be a postgres:// URL"), "\(validate.stderr)")
    }

    @Test func withoutAReportURLFleetStatusSaysWhereToGiveOne() async throws {
        let home = try TemporaryHome()
        let tend = try BuiltTend(home: home)
        let status = try await tend.run(["fleet", "status"])
        #expect(status.status == 1)
        #expect(status.stderr.contains("no fleet database: pass --report-url postgres://..., set TEND_REPORT_URL"))
    }
}
