import Foundation
import Testing
import TendTestSupport

/// Runs the built `tend` and reports its peak resident memory, as GNU time's `%M` (`ru_maxrss` of the process
/// it forked): the bounded-input tests print it and keep it under a stated ceiling.
///
/// Not `wait4` on a child of the test process: posix_spawn starts it with the test's own address space
/// (vfork), and Linux then counts the test's peak as the child's.
struct MeasuredRun {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// `ru_maxrss` of tend, in bytes.
        var peakBytes: Int

        var peakMiB: Double { Double(peakBytes) / 1_048_576 }
    }

    /// The ceiling issue 10 sets for every bounded case.
    static let ceilingBytes = 200 << 20

    let binary: TendBinary

    func run(_ arguments: [String]) async throws -> Output {
        let scratch = try TemporaryHome(prefix: "tend-measured")
        let outPath = scratch.path + "/stdout", errPath = scratch.path + "/stderr", peakPath = scratch.path + "/peak"
        let time = "/usr/bin/time"
        try #require(FileManager.default.isExecutableFile(atPath: time),
                     "\(time) (Debian package 'time') measures peak memory for this test; install it")
        // `timeout` ends a run that regressed into reading for ever; it is a bound, not a measurement.
        // The shell only changes directory; GNU time forks timeout, which forks tend.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", binary.home.path, time, "-q", "-f", "%M", "-o", peakPath,
                    "/usr/bin/timeout", "-s", "KILL", "300", TendBinary.path] + arguments
        let environment = binary.environment.map { "\($0.key)=\($0.value)" }
        let status: Int32 = try await Task.detached {
            var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            var cArgs = argv.map { strdup($0) } + [nil]
            var cEnv = environment.map { strdup($0) } + [nil]
            defer { (cArgs + cEnv).forEach { free($0) } }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, &cEnv)
            guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 {
                guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            }
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }.value
        // GNU time writes kibibytes.
        let peakText = (try? String(contentsOfFile: peakPath, encoding: .utf8)) ?? ""
        let peakKiB = try #require(Int(peakText.trimmingCharacters(in: .whitespacesAndNewlines)),
                                   "no peak memory from \(time): '\(peakText)'")
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Output(status: status, stdout: stdout, stderr: stderr, peakBytes: peakKiB * 1024)
    }
}
