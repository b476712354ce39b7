import Testing
import TendReport

@Suite struct ReportURLTests {
    @Test(arguments: [
        ("postgres://tend:s3cret@db:5432/fleet", "postgres://tend:***@db:5432/fleet"),
        ("postgresql://tend:p%40ss@db/fleet?sslmode=require", "postgresql://tend:***@db/fleet?sslmode=require"),
        ("postgres://db/fleet?user=tend&password=s3cret", "postgres://db/fleet?user=tend&password=***"),
        ("postgres://tend@db/fleet", "postgres://tend@db/fleet"),
    ])
    func aPasswordNeverShows(url: String, shown: String) throws {
        let parsed = try ReportURL(url)
        #expect(parsed.redacted == shown)
        #expect(!parsed.redacted.contains("s3cret") && !parsed.redacted.contains("p%40ss"))
        #expect(parsed.hasPassword == (url != shown))
    }

    @Test func aURLThatIsNotPostgresIsRefusedWithoutItsPassword() {
        #expect {
            _ = try ReportURL("mysql://u:s3cret@db/x")
        } throws: { error in
            let text = "\(error)"
            return text.contains("postgres://") && !text.contains("s3cret")
        }
    }
}
