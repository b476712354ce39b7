import Foundation
import Testing
import TendCore
@testable import TendFleet

/// Values that a shell would otherwise expand, split, glob or run.
enum HostileValues {
    static let all: [String] = [
        "plain", "two words", "it's", "'", "''", "\"double\"", "$(touch /tmp/tend-fleet-pwned)", "`id`", "${HOME}",
        "$HOME", "a;b", "a && b", "a|b", "*", "?", "[ab]", "~", "~root", "line1\nline2", "\n", "tab\there", "",
        " ", "-n", "--", "\\", "\\'", "back\\slash", "caf\u{E9}", "\u{7F}", "\u{1B}[31mred", "\u{FFFD}",
        "e\u{301}'", "!history", "#comment", ">out", "<in", "a\rb",
    ]
}

@Suite struct RemoteShellTests {
    /// The line is parsed by a real POSIX shell, as the remote user's login shell does with what ssh sends.
    @Test(arguments: ["/bin/sh", "/bin/bash"])
    func aRealShellReadsEveryWordBackLiterally(_ shell: String) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: shell), "\(shell) is not installed")
        let line = RemoteShell.commandLine(["printf", "%s\\000"] + HostileValues.all)
        let result = try await SystemProcessRunner(useSudo: false).run(Command([shell, "-c", line], timeout: 60))
        #expect(result.succeeded, "\(result.errorOutput)")
        let words = result.standardOutput.split(separator: 0, omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(words == HostileValues.all)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/tend-fleet-pwned"))
    }

    @Test func everyWordIsQuotedEvenWhenItLooksHarmless() {
        #expect(RemoteShell.commandLine(["ls", "-la"]) == "'ls' '-la'")
        #expect(RemoteShell.commandLine(["echo", "it's"]) == "'echo' 'it'\\''s'")
    }
}
