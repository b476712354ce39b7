import Foundation
import TendCore
import TendTestSupport

/// Runs the built `tend` executable, as a user would, and returns what it printed.
struct TendBinary {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary beside the test bundle (`.build/<triple>/debug/tend`), or `TEND_BINARY`.
    static let path: String = {
        if let explicit = ProcessInfo.processInfo.environment["TEND_BINARY"] { return explicit }
        #if os(Linux)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        #else
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        #endif
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("tend").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return ".build/debug/tend"
    }()

    /// The package root, for examples and fixtures.
    static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    let home: TemporaryHome
    var extraEnvironment: [String: String] = [:]

    init(home: TemporaryHome, environment: [String: String] = [:]) {
        self.home = home
        self.extraEnvironment = environment
    }

    /// The environment of a user whose HOME is the temporary home: no colour, no inherited XDG or git settings.
    var environment: [String: String] {
        var env: [String: String] = [
            "HOME": home.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "USER": ProcessInfo.processInfo.environment["USER"] ?? "root",
            "LANG": "C.UTF-8",
            "TEND_STATE": home.path + "/.local/state/tend/state.db",
            "GIT_CONFIG_NOSYSTEM": "1",
        ]
        for (key, value) in extraEnvironment { env[key] = value }
        return env
    }

    @discardableResult
    func run(_ arguments: [String], in directory: String? = nil, input: String? = nil) async throws -> Output {
        let runner = SystemProcessRunner(baseEnvironment: environment, useSudo: false)
        let result = try await runner.run(Command([Self.path] + arguments, workingDirectory: directory ?? home.path,
                                                  input: input.map { Array($0.utf8) }, timeout: 600))
        return Output(status: result.status, stdout: result.output, stderr: result.errorOutput)
    }
}
