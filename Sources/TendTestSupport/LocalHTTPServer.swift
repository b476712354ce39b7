import Foundation
import TendCore

/// A real HTTP server on 127.0.0.1 for tests that fetch (download, archive, apt repositories): Python's
/// `http.server` serving a fresh temporary directory on a port the kernel picks. `start` returns once the server
/// has printed the line that says it listens (an event, never a span of time); the process is ended and the
/// directory removed when the value is released.
public final class LocalHTTPServer: @unchecked Sendable {
    /// The directory served at `/`; tests put files in it with `put`.
    public let root: String
    public let port: Int
    private let pid: pid_t

    /// Why no server can be started here, or nil when `python3` is on PATH.
    public static var unavailableReason: String? {
        python == nil ? "python3 is not on PATH (CI installs python3 for the local HTTP server)" : nil
    }

    static var python: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { access($0, X_OK) == 0 }
    }

    private init(root: String, port: Int, pid: pid_t) {
        self.root = root
        self.port = port
        self.pid = pid
    }

    // Not Foundation's Process: its waitUntilExit on a test's cooperative thread waited for ever here. SIGKILL and
    // waitpid end and reap the server at once, whatever signal mask it inherited.
    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The URL of `name` under the served directory.
    public func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    /// Writes `bytes` to `name` (a relative path) under the served directory, making parent directories.
    @discardableResult
    public func put(_ name: String, _ bytes: [UInt8]) throws -> String {
        let full = root + "/" + name
        try FileManager.default.createDirectory(atPath: PathNormalizer.directory(of: full), withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// Starts a server over a new empty directory and waits for its "Serving HTTP on ... port N" line.
    public static func start() throws -> LocalHTTPServer {
        guard let python else { throw LocalHTTPServerError(message: unavailableReason ?? "python3 is missing") }
        var template = Array((NSTemporaryDirectory() + "/tend-http-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LocalHTTPServerError(message: "could not make a directory to serve: \(String(cString: strerror(errno)))")
        }
        let root = PathNormalizer.standardize(String(cString: made))
        chmod(root, 0o755)
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            throw LocalHTTPServerError(message: "could not make a pipe: \(String(cString: strerror(errno)))")
        }
        defer { close(pipeEnds[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        // The request log goes to stderr; nothing reads it, so it must not fill a pipe and stall the server.
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        // -u: the listening line must reach the pipe at once, not sit in Python's buffer. The server first closes
        // what it inherited past stderr: a pipe of another test's running command must not stay open in it.
        let program = "import os, runpy, sys; os.closerange(3, 1 << 16); sys.argv[0] = 'http.server'; "
            + "runpy.run_module('http.server', run_name='__main__', alter_sys=True)"
        let arguments = [python, "-u", "-c", program, "--bind", "127.0.0.1", "--directory", root, "0"]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, python, &actions, &attributes, &argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else {
            throw LocalHTTPServerError(message: "could not start \(python): \(String(cString: strerror(spawned)))")
        }
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pipeEnds[0], &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                throw LocalHTTPServerError(message: "python3 -m http.server stopped before it listened; it printed: "
                    + String(decoding: seen, as: UTF8.self))
            }
            seen += buffer[0..<count]
            if let port = listeningPort(in: String(decoding: seen, as: UTF8.self)) {
                return LocalHTTPServer(root: root, port: port, pid: pid)
            }
        }
    }

    /// The N of "Serving HTTP on 127.0.0.1 port N" once the whole line is there.
    static func listeningPort(in text: String) -> Int? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            guard let range = line.range(of: " port ") else { continue }
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            if let port = Int(digits), port > 0 { return port }
        }
        return nil
    }
}
