import Foundation
import Testing
import TendCore
import TendTestSupport

/// `tend recover` through the built binary: a failed change is listed with its token, `--retry` runs it again
/// and closes it once it succeeds, `--forget` drops the record without touching the machine.
@Suite struct RecoverCommandTests {
    /// A script that fails until `allow` exists in the home, beside a file that always applies.
    static let config = """
        tend: 1
        resources:
          - {type: script, id: gated, check: test -f "$HOME/made", create: test -f "$HOME/allow" && touch "$HOME/made"}
          - {type: script, id: other, check: test -f "$HOME/other-made", create: test -f "$HOME/allow" && touch "$HOME/other-made"}
        """

    /// Applies the config (both scripts fail) and returns the tokens `tend recover` lists, by address.
    static func failedRun(_ tend: BuiltTend) async throws -> [String: String] {
        let apply = try await tend.run(["apply", "--yes"])
        try #require(apply.status == 1, "\(apply.stdout)\n\(apply.stderr)")
        let list = try await tend.run(["recover"])
        try #require(list.status == 0, "\(list.stderr)")
        var tokens: [String: String] = [:]
        for line in list.stdout.split(separator: "\n") where !line.hasPrefix(" ") {
            let words = line.split(separator: " ")
            if words.count >= 3, words[1] == "create" { tokens[String(words[2])] = String(words[0]) }
        }
        try #require(tokens.count == 2, "two failed creates listed\n\(list.stdout)")
        return tokens
    }

    @Test func retryRunsTheChangeAgainAndClosesItOnSuccess() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = try BuiltTend(home: home)
        let tokens = try await Self.failedRun(tend)
        let token = try #require(tokens["script:gated"])

        // Still failing: the record stays.
        let early = try await tend.run(["recover", token, "--retry", "--yes"])
        #expect(early.status == 1, "\(early.stdout)\n\(early.stderr)")
        #expect(try await tend.run(["recover"]).stdout.contains(token))

        try home.write("allow", "")
        let retried = try await tend.run(["recover", token, "--retry", "--yes"])
        #expect(retried.status == 0, "\(retried.stdout)\n\(retried.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.path + "/made"))
        // Only the named change ran; the other stays failed and listed.
        #expect(!FileManager.default.fileExists(atPath: home.path + "/other-made"))
        let list = try await tend.run(["recover"])
        #expect(!list.stdout.contains(token), "\(list.stdout)")
        #expect(list.stdout.contains(try #require(tokens["script:other"])), "\(list.stdout)")
    }

    @Test func forgetDropsTheRecordAndLeavesTheMachineAlone() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = try BuiltTend(home: home)
        let tokens = try await Self.failedRun(tend)
        let token = try #require(tokens["script:gated"])
        let forget = try await tend.run(["recover", token, "--forget"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout == "Forgot the failed create of script:gated; nothing on this machine was changed.\n")
        let list = try await tend.run(["recover"])
        #expect(!list.stdout.contains(token), "\(list.stdout)")
        // Forgetting is not fixing: the plan still wants the change.
        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("script:gated"), "\(plan.stdout)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/made"))

        let unknown = try await tend.run(["recover", token, "--forget"])
        #expect(unknown.status == 1, "a forgotten token is gone\n\(unknown.stdout)")
    }

    @Test func forgetAllDropsEveryFailedChange() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = try BuiltTend(home: home)
        _ = try await Self.failedRun(tend)
        let forget = try await tend.run(["recover", "--forget", "--all"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout == "Forgot 2 failed changes; nothing on this machine was changed.\n")
        #expect(try await tend.run(["recover"]).stdout == "No failed changes.\n")
    }
}
