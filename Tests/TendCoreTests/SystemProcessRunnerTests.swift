import Foundation
import Testing
@testable import TendCore
import TendTestSupport

@Suite struct SystemProcessRunnerTests {
    let runner = SystemProcessRunner()

    @Test func capturesOutputAndStatus() async throws {
        let result = try await runner.run(Command(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"]))
        #expect(result.status == 3)
        #expect(result.output == "out\n")
        #expect(result.errorOutput == "err\n")
        #expect(!result.succeeded)
        #expect(throws: CommandError.self) { try result.check() }
    }

    @Test func argumentsReachTheProgramLiterally() async throws {
        let nasty = ["; rm -rf /tmp/nope", "$(id)", "`id`", "a'b\"c", "line\nbreak", "*", ""]
        let result = try await runner.run(Command(["printf", "%s|"] + nasty))
        #expect(result.output == nasty.map { $0 + "|" }.joined())
    }

    @Test func largeOutputOnBothStreamsDoesNotHang() async throws {
        // 1 MiB on each stream: far past the 64 KiB pipe buffer.
        let script = "head -c 1048576 /dev/zero | tr '\\0' a; head -c 1048576 /dev/zero | tr '\\0' b >&2"
        let result = try await runner.run(Command(["/bin/sh", "-c", script], timeout: 30))
        #expect(result.standardOutput.count == 1_048_576)
        #expect(result.standardError.count == 1_048_576)
    }

    @Test func captureIsBoundedAndKeepsTheTail() async throws {
        let bounded = SystemProcessRunner(captureLimit: 1000)
        let result = try await bounded.run(Command(["/bin/sh", "-c", "seq 1 100000"], timeout: 30))
        #expect(result.truncated)
        #expect(result.standardOutput.count == 1000)
        #expect(result.output.hasSuffix("99999\n100000\n"))
    }

    @Test func standardInputIsWrittenAndClosed() async throws {
        let result = try await runner.run(Command(["cat"], input: Array("hello\n".utf8)))
        #expect(result.output == "hello\n")
    }

    @Test func withoutInputStandardInputIsEmpty() async throws {
        let result = try await runner.run(Command(["cat"], timeout: 10))
        #expect(result.output.isEmpty)
        #expect(result.succeeded)
    }

    @Test func environmentAndWorkingDirectory() async throws {
        let result = try await runner.run(Command(["/bin/sh", "-c", "printf '%s %s' \"$TEND_X\" \"$PWD\""],
                                                  environment: ["TEND_X": "a b"], workingDirectory: "/tmp"))
        #expect(result.output == "a b /tmp")
    }

    @Test func missingProgramIsALaunchFailure() async throws {
        await #expect {
            try await runner.run(Command(["tend-no-such-program-xyz"]))
        } throws: { error in
            guard case CommandError.launchFailed(_, let reason) = error else { return false }
            return reason.contains("not found on PATH")
        }
    }

    @Test func timeoutStopsTheCommandAndSaysSo() async throws {
        await #expect {
            try await SystemProcessRunner(terminationGrace: 1).run(Command(["sleep", "30"], timeout: 0.3))
        } throws: { error in
            // Stopped by tend's signal, not ended on its own.
            guard case CommandError.timedOut(_, let seconds, let partial) = error else { return false }
            return seconds == 0.3 && partial.signaled && "\(error)".contains("timed out after 0.3s")
        }
    }

    /// The run returns when the command exits, while a background child it started still holds the pipe: the
    /// child is still running when the result is in.
    @Test func backgroundChildHoldingThePipeDoesNotHang() async throws {
        let home = try TemporaryHome(prefix: "tend-runner")
        let pidFile = home.path + "/child.pid"
        let result = try await runner.run(Command(["/bin/sh", "-c", #"sleep 60 & echo $! > "$1"; echo started; exit 4"#, "sh", pidFile],
                                                  timeout: 120))
        #expect(result.output == "started\n")
        #expect(result.status == 4)
        let child = try await Awaited.pid(writtenTo: pidFile)
        #expect(Awaited.isRunning(child), "the run waited for the background child to finish")
        kill(child, SIGKILL)
    }

    /// Cancelling the task stops the command: the run throws `cancelled` and the command's process is gone.
    @Test func cancellationStopsTheCommand() async throws {
        let home = try TemporaryHome(prefix: "tend-runner")
        let pidFile = home.path + "/command.pid"
        let task = Task {
            try await SystemProcessRunner(terminationGrace: 1).run(
                Command(["/bin/sh", "-c", #"echo $$ > "$1"; exec sleep 60"#, "sh", pidFile]))
        }
        let command = try await Awaited.pid(writtenTo: pidFile)
        task.cancel()
        await #expect {
            try await task.value
        } throws: { error in
            guard case CommandError.cancelled = error else { return false }
            return true
        }
        #expect(!Awaited.isRunning(command), "the command outlived the cancelled run")
    }

    @Test func errorsNameTheCommandEscaped() async throws {
        let result = try await runner.run(Command(["/bin/sh", "-c", "echo 'boom' >&2; exit 2", "arg with space"]))
        let message = "\(CommandError.failed(result))"
        #expect(message == "`/bin/sh -c 'echo '\\''boom'\\'' >&2; exit 2' 'arg with space'` exited with status 2:\nboom")
    }

    @Test func liveOutputIsStreamed() async throws {
        let collected = Collected()
        let live = SystemProcessRunner(liveOutput: { _, _, bytes in collected.append(bytes) })
        _ = try await live.run(Command(["/bin/sh", "-c", "echo one; echo two"]))
        #expect(collected.text == "one\ntwo\n")
    }
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func append(_ more: [UInt8]) { lock.withLock { bytes += more } }
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
}
