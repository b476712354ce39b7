import Foundation
import Testing
@testable import TendCLI

/// Whether apply may ask depends on standard input alone (`tend apply | tee log` still asks).
@Suite struct ApplyRunnerAskingTests {
    @Test func aPipeCannotBeAskedOn() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        #expect(!ApplyRunner.canAsk(standardInput: fds[0]))
        let null = open("/dev/null", O_RDONLY)
        try #require(null >= 0)
        defer { close(null) }
        #expect(!ApplyRunner.canAsk(standardInput: null))
    }

    // A terminal on standard input is checked end to end under a pty: RoughEdgesEndToEndTests.
}
