import Foundation

/// Waits for something a test can observe (a file appears, a line is printed, a process is gone), never for a
/// span of time: under load the event comes later and the test still passes. The guard turns a hang into an
/// error that names the event; it is not a timing assertion.
public enum Awaited {
    /// The hang guard: far beyond any loaded machine's delay, short of CI's own time-out.
    public static let guardSeconds: Double = 180

    /// Returns once `condition` holds; throws `AwaitedError` when it still does not after `guardSeconds`.
    public static func until(_ event: String, guardSeconds: Double = Awaited.guardSeconds,
                             _ condition: () -> Bool) async throws {
        let giveUp = Date().addingTimeInterval(guardSeconds)
        while !condition() {
            if Date() > giveUp { throw AwaitedError(event: event, seconds: guardSeconds) }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    /// Returns once something is at `path`.
    public static func file(_ path: String) async throws {
        try await until("\(path) to appear") { FileManager.default.fileExists(atPath: path) }
    }

    /// Returns once the file at `path` contains `text`.
    public static func file(_ path: String, containing text: String) async throws {
        try await until("\(path) to contain \"\(text)\"") {
            (try? String(contentsOfFile: path, encoding: .utf8))?.contains(text) == true
        }
    }

    /// The pid a test's script wrote to `path` (one line), once the whole line is there.
    public static func pid(writtenTo path: String) async throws -> Int32 {
        var pid: Int32?
        try await until("a pid in \(path)") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") else { return false }
            pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            return pid != nil
        }
        return pid!
    }

    /// True while process `pid` runs; a zombie (dead, waiting for its parent to reap it) counts as gone.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}
