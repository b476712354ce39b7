import Foundation
import TendCore

/// The built `tend` executable run in a temporary HOME, as a user would run it: for tests of the command layer
/// (TendCLI) that need its real stdin, stdout, exit status and signals.
public struct BuiltTend: Sendable {
    /// What one run printed and how it ended.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// `TEND_BINARY`, or `tend` beside the test bundle (`.build/<triple>/debug/tend`); nil when neither exists.
    public static let path: String? = {
        if let explicit = ProcessInfo.processInfo.environment["TEND_BINARY"] { return explicit }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("tend").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    public let home: TemporaryHome
    public let executable: String
    public var extraEnvironment: [String: String]

    /// Throws when no built binary is found (`swift build` builds it; `TEND_BINARY` names another).
    public init(home: TemporaryHome, environment: [String: String] = [:]) throws {
        guard let path = Self.path else {
            throw BuiltTendError(message: "no built tend beside the tests; run 'swift build' first or set TEND_BINARY")
        }
        self.home = home
        self.executable = path
        self.extraEnvironment = environment
    }

    /// A user whose HOME is the temporary home: no colour, no inherited XDG or git settings.
    public var environment: [String: String] {
        var env: [String: String] = [
            "HOME": home.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "USER": ProcessInfo.processInfo.environment["USER"] ?? "root",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "TEND_STATE": home.path + "/.local/state/tend/state.db",
            "GIT_CONFIG_NOSYSTEM": "1",
        ]
        for (key, value) in extraEnvironment { env[key] = value }
        return env
    }

    /// Runs `tend ARGUMENTS` in the home with `input` on a pipe (not a terminal), and waits for it.
    @discardableResult
    public func run(_ arguments: [String], input: String? = nil) async throws -> Output {
        let runner = SystemProcessRunner(baseEnvironment: environment, useSudo: false)
        let result = try await runner.run(Command([executable] + arguments, workingDirectory: home.path,
                                                  input: input.map { Array($0.utf8) }, timeout: 600))
        return Output(status: result.status, stdout: result.output, stderr: result.errorOutput)
    }

    /// Runs `tend ARGUMENTS` on a pseudo-terminal (through python3's `pty.spawn`, argv only), typing `typed`;
    /// what the terminal showed comes back as stdout.
    public func runOnTerminal(_ arguments: [String], typed: String) async throws -> Output {
        let script = "import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))"
        let runner = SystemProcessRunner(baseEnvironment: environment, useSudo: false)
        let result = try await runner.run(Command(["python3", "-c", script, executable] + arguments,
                                                  workingDirectory: home.path, input: Array(typed.utf8), timeout: 600))
        return Output(status: result.status, stdout: result.output, stderr: result.errorOutput)
    }

    /// Starts `tend ARGUMENTS` without waiting, its stdout and stderr going to `out.txt` and `err.txt` in the home.
    public func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: home.path)
        FileManager.default.createFile(atPath: home.path + "/out.txt", contents: nil)
        FileManager.default.createFile(atPath: home.path + "/err.txt", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: home.path + "/out.txt")
        process.standardError = FileHandle(forWritingAtPath: home.path + "/err.txt")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
