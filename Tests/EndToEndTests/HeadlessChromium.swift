import Foundation
import Testing
import TendCore
import TendTestSupport

/// Debian's chromium, headless, loading a local page: the DOM after its scripts ran, and every message the page
/// wrote to the console (script errors, blocked fetches), read from chromium's log on standard error.
struct HeadlessChromium {
    struct Page {
        var dom: String
        /// Lines of chromium's log that carry a console message of the page.
        var console: [String]
    }

    /// chromium on PATH; nil when it is not installed (tests then fail with `#require`: CI installs it in `.ci/run`).
    static var executable: String? {
        SystemProcessRunner.resolve("chromium", path: ProcessInfo.processInfo.environment["PATH"])
    }

    /// Loads `file` with a profile of its own under `home` (nothing of the machine's user is read or written).
    static func load(_ file: String, executable: String, home: TemporaryHome) async throws -> Page {
        let environment = ["HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                           "LANG": "C.UTF-8"]
        let runner = SystemProcessRunner(baseEnvironment: environment, useSudo: false)
        let result = try await runner.run(Command([
            executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=\(home.path)/chromium-profile", "--enable-logging=stderr", "--v=0",
            "--dump-dom", URL(fileURLWithPath: file).absoluteString,
        ], workingDirectory: home.path, timeout: 300))
        #expect(result.succeeded, "chromium exited \(result.status): \(result.tail())")
        let console = result.errorOutput.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return Page(dom: result.output, console: console)
    }
}
