import Foundation
import Testing
@testable import TendCore
import TendTestSupport

/// The client against real processes: small sh plugins written into a temporary home.
@Suite struct PluginClientTests {
    static func client(_ script: String, in home: TemporaryHome, timeout: Double = 30,
                       limits change: (inout PluginLimits) -> Void = { _ in }) throws -> PluginClient {
        let path = try home.write("plugins/p.sh", "#!/bin/sh\n" + script, mode: 0o755)
        chmod(home.path + "/plugins", 0o755)
        var limits = PluginLimits()
        limits.timeout = timeout
        change(&limits)
        return PluginClient(reference: PluginReference(path: path, location: SourceLocation(file: "t.yaml", mark: .start)),
                            environment: PluginClient.environment(from: ProcessInfo.processInfo.environment,
                                                                  home: home.path),
                            limits: limits)
    }

    static let spec = #"{"type":"SPEC","protocolVersion":1,"types":[{"name":"t","key":"name","parameters":{"type":"object","properties":{"name":{"type":"string"}}}}]}"#

    @Test func oneProcessServesEveryRequestOfTheRun() async throws {
        let home = try TemporaryHome()
        // Each answer carries the process id, so the test sees whether a second process was started.
        let client = try Self.client("""
            read -r line; printf '%s\\n' '\(Self.spec)'
            read -r line; printf '{"type":"REFRESH_RESULT","results":[{"address":"t:a","current":{"name":"a","pid":"%s"}}]}\\n' $$
            read -r line; printf '{"type":"REFRESH_RESULT","results":[{"address":"t:a","current":{"name":"a","pid":"%s"}}]}\\n' $$
            """, in: home)
        #expect(try client.spec().map(\.schema.name) == ["t"])
        let address = Address(type: "t", key: "a")
        let first = try await client.refresh([(address, ["name": .string("a")])])
        let second = try await client.refresh([(address, ["name": .string("a")])])
        let pid = try #require(first[address]??["pid"])
        #expect(second[address]??["pid"] == pid)
        client.finish()
    }

    @Test func aHungPluginTimesOutAndLaterRequestsGiveTheFirstReason() async throws {
        let home = try TemporaryHome()
        let client = try Self.client("read -r line; exec sleep 600\n", in: home, timeout: 1)
        #expect(throws: PluginError.timedOut(plugin: "p.sh", seconds: 1, waitingFor: "SPEC")) { try client.spec() }
        let reason = PluginError.timedOut(plugin: "p.sh", seconds: 1, waitingFor: "SPEC").description
        await #expect(throws: PluginError.stopped(plugin: "p.sh", because: reason)) {
            try await client.refresh([])
        }
    }

    @Test func aPluginThatCannotStartSaysWhy() throws {
        let home = try TemporaryHome()
        let client = try Self.client("", in: home)
        try "#!/nonexistent/interpreter\n".write(toFile: home.path + "/plugins/p.sh", atomically: false, encoding: .utf8)
        #expect(throws: PluginError.self) { try client.spec() }
        do {
            _ = try client.spec()
        } catch {
            #expect(error.description.hasPrefix("plugin p.sh was stopped earlier in this run, so tend did not ask it: "))
        }
    }

    @Test func aWritableFileOrALinkThroughAnUntrustedDirectoryIsRefused() throws {
        let home = try TemporaryHome()
        let path = try home.write("plugins/p.sh", "#!/bin/sh\n", mode: 0o755)
        chmod(home.path + "/plugins", 0o755)
        #expect(PluginTrust.problem(executable: path) == nil)
        chmod(path, 0o757)
        #expect(PluginTrust.problem(executable: path)
                    == "'\(path)' (owned by \(LinkTrust.userName(geteuid()))) can be changed by other users (mode 757); "
                        + "run chmod go-w on it")
        chmod(path, 0o755)
        // A link whose target sits in a world-writable (not sticky) directory: the resolved path is checked too.
        let open = home.path + "/open"
        mkdir(open, 0o755)
        chmod(open, 0o777)
        let target = try home.write("open/q.sh", "#!/bin/sh\n", mode: 0o755)
        symlink(target, home.path + "/plugins/link.sh")
        #expect(PluginTrust.problem(executable: home.path + "/plugins/link.sh")
                    == "'\(open)' (owned by \(LinkTrust.userName(geteuid()))) can be changed by other users (mode 777); "
                        + "run chmod go-w on it")
        #expect(PluginTrust.problem(executable: home.path + "/plugins/missing.sh")
                    == "'\(home.path)/plugins/missing.sh' does not exist; check the path in 'plugins:' (relative to the config file)")
    }

    @Test func outputPastTheRunsBoundStopsThePlugin() async throws {
        let home = try TemporaryHome()
        let client = try Self.client("""
            read -r line; printf '%s\\n' '\(Self.spec)'
            read -r line; while :; do printf '%s\\n' '{"type":"LOG","level":"info","message":"again"}'; done
            """, in: home, limits: { $0.totalOutput = 4096 })
        _ = try client.spec()
        await #expect(throws: PluginError.tooMuch(plugin: "p.sh", what: "printed more than 4096 bytes in this run")) {
            try await client.refresh([])
        }
    }

    @Test func stderrIsLoggedEscapedAndBoundedAndItsEndQuotedWhenThePluginDies() async throws {
        let home = try TemporaryHome()
        let client = try Self.client("""
            read -r line; printf '%s\\n' '\(Self.spec)'
            read -r line
            printf 'one\\033[2J\\n' >&2; printf 'two\\n' >&2; printf 'three\\n' >&2; printf 'four\\n' >&2
            exit 4
            """, in: home, limits: { $0.stderrLines = 2 })
        _ = try client.spec()
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var all: [String] = []
        }
        let lines = Lines()
        let address = Address(type: "t", key: "a")
        await #expect(throws: PluginError.died(plugin: "p.sh", how: "exited with status 4",
                                               waitingFor: "APPLY for t:a", stderr: "one\u{1B}[2J\ntwo\nthree\nfour")) {
            try await client.apply(change: .object([]), address: address, timeout: nil) { line in
                lines.lock.withLock { lines.all.append(line) }
            }
        }
        #expect(lines.lock.withLock { lines.all } == [
            "plugin p.sh stderr: one\\e[2J", "plugin p.sh stderr: two", "plugin p.sh stderr: further lines are not logged",
        ])
        let message = PluginError.died(plugin: "p.sh", how: "exited with status 4", waitingFor: "APPLY for t:a",
                                       stderr: "one\u{1B}[2J\ntwo").description
        #expect(message == "plugin p.sh exited with status 4 while tend waited for its answer to APPLY for t:a; "
                    + "the end of its stderr: 'one\\e[2J\\ntwo'")
    }
}
