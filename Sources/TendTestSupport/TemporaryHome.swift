import Foundation
import TendCore

/// A fresh directory to use as HOME in a test, removed when the value is released.
public final class TemporaryHome: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "tend-test") throws {
        let template = NSTemporaryDirectory() + "/\(prefix)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else {
            throw CocoaError(.fileWriteUnknown)
        }
        path = PathNormalizer.standardize(String(cString: created))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes text to a path relative to the home, creating parent directories.
    @discardableResult
    public func write(_ relativePath: String, _ text: String, mode: Int? = nil) throws -> String {
        let full = path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: PathNormalizer.directory(of: full),
                                                withIntermediateDirectories: true)
        // O_CLOEXEC: tests run in parallel in one process, and a write descriptor inherited by a child another
        // test starts would keep a script written here "Text file busy" when it is run.
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode ?? 0o644))
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: full]) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: full]) }
            written += count
        }
        if let mode { fchmod(fd, mode_t(mode)) }
        return full
    }

    /// Host facts for this home: linux/debian facts of the machine, with HOME and an environment of the test's.
    public func facts(environment: [String: String] = [:]) -> HostFacts {
        var facts = HostFacts.current()
        facts.home = path
        var env = environment
        env["HOME"] = path
        env["PATH"] = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        facts.environment = env
        return facts
    }

    /// A host over this home that runs real commands.
    public func host(environment: [String: String] = [:], runner: (any ProcessRunner)? = nil) -> Machine {
        let facts = facts(environment: environment)
        return Machine(facts: facts, runner: runner ?? SystemProcessRunner(baseEnvironment: facts.environment),
                    isRoot: geteuid() == 0)
    }
}
