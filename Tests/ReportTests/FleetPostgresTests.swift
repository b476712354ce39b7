import Foundation
import Testing
import TendCore
import TendTestSupport

/// Several hosts (temporary HOMEs, each with its own state) report to a real PostgreSQL 15 on loopback.
@Suite(.enabled(if: FleetDatabase.available, "\(FleetDatabase.missing)"))
struct FleetPostgresTests {
    @Test func runsOfSeveralHostsReachPostgres() async throws {
        let database = try await FleetDatabase()
        let hosts = try (0..<3).map { _ in try database.host() }
        for host in hosts {
            let apply = try await host.run(["apply", "--yes"])
            #expect(apply.status == 0, "\(apply.stderr)")
            #expect(!apply.stderr.contains("warning"), "\(apply.stderr)")
            #expect(try host.outboxCount() == 0)
        }
        #expect(try await database.value("SELECT count(*) FROM tend_host") == "3")
        #expect(try await database.value("SELECT count(*) FROM tend_run WHERE status = 'succeeded'") == "3")
        #expect(try await database.value("SELECT count(*) FROM tend_report WHERE operation = 'create'") == "6")

        let status = try await hosts[0].run(["fleet", "status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let rows = try #require(try JSON.parse(status.stdout).arrayValue)
        #expect(Set(rows.compactMap { $0["hostId"]?.stringValue }) == Set(try hosts.map { try $0.hostID() }))
        for row in rows {
            #expect(row["lastRun"]?["result"]?.stringValue == "succeeded")
            #expect(row["driftCount"]?.intValue == 0)
        }
        let id = try hosts[1].hostID()
        let history = try await hosts[0].run(["fleet", "history", String(id.prefix(10))])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("(\(id))") && history.stdout.contains("#1") && history.stdout.contains("succeeded"))
    }

    @Test func aHostOfflineFromPostgresCatchesUpAndSendsNothingTwice() async throws {
        let database = try await FleetDatabase()
        let host = try database.host(reportURL: database.unreachableURL)
        for _ in 0..<2 {
            let apply = try await host.run(["apply", "--yes"])
            #expect(apply.status == 0, "an unreachable fleet database must not fail the apply: \(apply.stderr)")
            #expect(apply.stderr.contains("warning: could not connect to"))
            #expect(apply.stderr.contains("kept in the local state for the next run"))
        }
        #expect(try host.outboxCount() == 2)
        let keptState = try Data(contentsOf: URL(fileURLWithPath: host.environment["TEND_STATE"]!))

        var back = host
        back.extraEnvironment["TEND_REPORT_URL"] = database.url
        let apply = try await back.run(["apply", "--yes"])
        #expect(apply.status == 0 && !apply.stderr.contains("warning"), "\(apply.stderr)")
        #expect(try host.outboxCount() == 0)
        #expect(try await database.value("SELECT string_agg(run_id || ':' || status, ',' ORDER BY run_id) FROM tend_run")
                == "1:succeeded,2:converged,3:converged")

        // A send whose commit reached the server but whose outbox delete was lost: the same entries go again,
        // and the server keeps one of each.
        try keptState.write(to: URL(fileURLWithPath: host.environment["TEND_STATE"]!))
        try? FileManager.default.removeItem(atPath: host.environment["TEND_STATE"]! + "-wal")
        #expect(try host.outboxCount() == 2)
        let plan = try await back.run(["plan"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try host.outboxCount() == 0)
        #expect(try await database.value("SELECT count(*) FROM tend_run") == "3")
        #expect(try await database.value("SELECT count(*) FROM tend_report") == "2")
        #expect(try await database.value("SELECT count(*) FROM tend_plan") == "1")
    }

    @Test func driftMadeByHandOnOneHostShowsInFleetStatus() async throws {
        let database = try await FleetDatabase()
        let hosts = try (0..<3).map { _ in try database.host() }
        for host in hosts {
            #expect(try await host.run(["apply", "--yes"]).status == 0)
        }
        try hosts[1].home.write("motd.txt", "edited by hand\n")
        for host in hosts {
            #expect(try await host.run(["plan"]).status == 0)
        }
        let status = try await hosts[0].run(["fleet", "status", "--json"])
        let rows = try #require(try JSON.parse(status.stdout).arrayValue)
        let drifted = try hosts[1].hostID()
        for row in rows {
            let isDrifted = row["hostId"]?.stringValue == drifted
            #expect(row["driftCount"]?.intValue == (isDrifted ? 1 : 0))
            if isDrifted {
                #expect(row["drift"]?.arrayValue?.compactMap(\.stringValue) == ["file:~/motd.txt (modify)"])
            }
        }
        let text = try await hosts[0].run(["fleet", "status"])
        #expect(text.stdout.contains("pending  file:~/motd.txt (modify)"))
        #expect(text.stdout.contains("3 hosts: 1 with drift, 0 with failed changes."))

        // Converging the host clears its drift.
        #expect(try await hosts[1].run(["apply", "--yes"]).status == 0)
        let after = try await hosts[0].run(["fleet", "status", "--json"])
        let driftLeft = try #require(try JSON.parse(after.stdout).arrayValue).compactMap { $0["driftCount"]?.intValue }
        #expect(driftLeft == [0, 0, 0])
    }

    @Test func aNoOpRunUpdatesLastConverged() async throws {
        let database = try await FleetDatabase()
        let host = try database.host()
        #expect(try await host.run(["apply", "--yes"]).status == 0)
        let first = try await database.value("SELECT extract(epoch FROM last_converged_at) FROM tend_host")
        let noop = try await host.run(["apply", "--yes"])
        #expect(noop.status == 0 && noop.stdout.contains("No changes"))
        let second = try await database.value("SELECT extract(epoch FROM last_converged_at) FROM tend_host")
        let converged = try await database.value("SELECT extract(epoch FROM ended_at) FROM tend_run WHERE run_id = 2")
        #expect(second == converged && second != first, "\(first) \(second) \(converged)")
        let status = try await host.run(["fleet", "status", "--json"])
        let row = try #require(try JSON.parse(status.stdout).arrayValue?.first)
        #expect(row["lastRun"]?["id"]?.intValue == 2 && row["lastRun"]?["result"]?.stringValue == "converged")
        let history = try await host.run(["fleet", "history", try host.hostID(), "--json"])
        #expect(try JSON.parse(history.stdout).arrayValue?.compactMap { $0["result"]?.stringValue }
                == ["converged", "succeeded"])
    }

    @Test func aFailedChangeWaitsForRecoverInFleetStatus() async throws {
        let database = try await FleetDatabase()
        let host = try database.host(config: """
            tend: 1
            resources:
              - {type: script, id: broken, check: "false", create: "echo nope >&2; exit 3"}
            """)
        #expect(try await host.run(["apply", "--yes"]).status == 1)
        let status = try await host.run(["fleet", "status", "--json"])
        let row = try #require(try JSON.parse(status.stdout).arrayValue?.first)
        #expect(row["lastRun"]?["result"]?.stringValue == "failed")
        #expect(row["failedWaiting"]?.arrayValue?.compactMap(\.stringValue) == ["script:broken (create)"])
        #expect(row["drift"]?.arrayValue?.compactMap(\.stringValue) == ["script:broken (create)"])
    }

    @Test func aDatabaseWithANewerSchemaIsRefused() async throws {
        let database = try await FleetDatabase()
        let host = try database.host()
        #expect(try await host.run(["apply", "--yes"]).status == 0)
        try await database.value("UPDATE tend_schema_version SET version = 99")
        try host.home.write("motd.txt", "changed\n")
        let apply = try await host.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stderr.contains("has schema version 99, newer than this tend knows (up to 1); upgrade tend"))
        #expect(try host.outboxCount() == 1)
        #expect(try await database.value("SELECT count(*) FROM tend_run") == "1")
        let status = try await host.run(["fleet", "status"])
        #expect(status.status == 1)
        #expect(status.stderr.contains("schema version 99"))
    }

    @Test func aPasswordNeverReachesOutputOrArguments() async throws {
        let database = try await FleetDatabase()
        let withPassword = database.unreachableURL.replacingOccurrences(of: "tend_test@", with: "tend_test:hunter2secret@")
        let host = try database.host(reportURL: withPassword)
        let apply = try await host.run(["apply", "--yes"])
        #expect(apply.status == 0)
        #expect(apply.stderr.contains("tend_test:***@") && !apply.stderr.contains("hunter2secret"), "\(apply.stderr)")
        let argv = try await host.run(["fleet", "status", "--report-url", withPassword])
        #expect(argv.status == 1 && argv.stderr.contains("~/.pgpass") && !argv.stderr.contains("hunter2secret"))
        let history = try await host.run(["history", "--json"])
        #expect(!history.stdout.contains("hunter2secret"))
    }

    @Test func reportToInTheConfigIsUsed() async throws {
        let database = try await FleetDatabase()
        let home = try TemporaryHome(prefix: "tend-fleet")
        try home.write("tend.yaml", "tend: 1\nreport_to: \(database.url)\n" + FleetDatabase.fileConfig.dropFirst("tend: 1\n".count))
        let host = try BuiltTend(home: home, environment: ["PGPASSFILE": ProcessInfo.processInfo.environment["PGPASSFILE"] ?? ""])
        let apply = try await host.run(["apply", "--yes"])
        #expect(apply.status == 0 && !apply.stderr.contains("warning"), "\(apply.stderr)")
        #expect(try await database.value("SELECT last_run_status FROM tend_host") == "succeeded")
        let status = try await host.run(["fleet", "status"])
        #expect(status.status == 0 && status.stdout.contains("apply #1"), "\(status.stderr)")
    }
}
