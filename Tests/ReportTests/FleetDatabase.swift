import Foundation
import TendCore
import TendTestSupport

/// A fresh database in the test cluster that `.ci/postgres-test-cluster` starts (`TEND_TEST_POSTGRES_URL`, with
/// the password in `PGPASSFILE`), and the hosts that report to it: each a temporary HOME with its own state.
struct FleetDatabase {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let adminURL = ProcessInfo.processInfo.environment["TEND_TEST_POSTGRES_URL"]
    static let available = adminURL != nil && ProcessInfo.processInfo.environment["PGPASSFILE"] != nil
    static let missing = "no test PostgreSQL: run 'eval \"$(.ci/postgres-test-cluster)\"' first (.ci/run does)"

    let url: String
    let name: String

    /// Creates `tend_t_<random>` as the test role.
    init() async throws {
        guard let admin = Self.adminURL else { throw Failure(description: Self.missing) }
        name = "tend_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        url = String(admin[..<admin.lastIndex(of: "/")!]) + "/" + name
        try await Self.psql(admin, "CREATE DATABASE \(name)")
    }

    /// This database on a port of the same host where nothing listens: a host offline from the fleet.
    var unreachableURL: String {
        url.replacingOccurrences(of: #":[0-9]+/"#, with: ":1/", options: .regularExpression)
    }

    /// One value (first column of the first row), as psql prints it unaligned.
    @discardableResult
    func value(_ sql: String) async throws -> String {
        try await Self.psql(url, sql)
    }

    @discardableResult
    static func psql(_ url: String, _ sql: String) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PGCONNECT_TIMEOUT"] = "5"
        let runner = SystemProcessRunner(baseEnvironment: environment, useSudo: false)
        let result = try await runner.run(Command(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-Atq", "-d", url, "-c", sql],
                                                  timeout: 60))
        guard result.succeeded else {
            throw Failure(description: "psql failed (\(result.status)): \(result.errorOutput)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A host: a temporary HOME whose tend reports to `reportURL` (through TEND_REPORT_URL unless nil).
    func host(reportURL: String? = nil, config: String = FleetDatabase.fileConfig) throws -> BuiltTend {
        let home = try TemporaryHome(prefix: "tend-fleet")
        try home.write("tend.yaml", config)
        var environment = ["PGPASSFILE": ProcessInfo.processInfo.environment["PGPASSFILE"] ?? ""]
        environment["TEND_REPORT_URL"] = reportURL ?? url
        return try BuiltTend(home: home, environment: environment)
    }

    static let fileConfig = """
        tend: 1
        resources:
          - {type: file, path: ~/motd.txt, content: "hello fleet\\n"}
          - {type: file, path: ~/notes.txt, content: "notes\\n"}
        """
}

extension BuiltTend {
    /// This host's id in the fleet, read from its state as tend wrote it.
    func hostID() throws -> String {
        try SQLiteStateStore(path: environment["TEND_STATE"]!).hostIdentity()
    }

    func outboxCount() throws -> Int {
        try SQLiteStateStore(path: environment["TEND_STATE"]!).outboxCount()
    }
}
