import Foundation
import TendCore
import TendResources

/// A host that is the same on every machine, so loaded configs and recorded diagnostics never depend on who
/// runs the tests.
let fixedHost = HostFacts(
    os: "linux", distro: "debian", distroVersion: "12", arch: "x86_64", hostname: "testhost", user: "me",
    home: "/home/me",
    environment: ["HOME": "/home/me", "USER": "me", "EDITOR": "vim", "GIT_EMAIL": "me@example.com", "EMPTY": ""])

/// `fixedHost` whose dpkg admin directory does not exist, so that apt refresh asks `dpkg-query`, which the
/// tests script, instead of reading this machine's real status file.
let scriptedDpkgHost: HostFacts = {
    var facts = fixedHost
    facts.environment["DPKG_ADMINDIR"] = "/nonexistent/tend-tests/dpkg"
    return facts
}()

/// A loader over the built-in schemas and `fixedHost`, reading relative paths from `workingDirectory`.
func fixedLoader(workingDirectory: String = "/work", host: HostFacts = fixedHost) -> ConfigLoader {
    ConfigLoader(catalog: BuiltinSchemas.catalog, host: host, workingDirectory: workingDirectory)
}

/// The built-in schemas without their value checks, for tests of the guards that apply and refresh keep
/// behind `validate`: a value `validate` refuses must still never reach a command or a file.
let uncheckedCatalog = SchemaCatalog(BuiltinSchemas.all.map { schema in
    var unchecked = schema
    unchecked.valueCheck = nil
    return unchecked
})

/// True when the run should rewrite recorded files (`RECORD_SNAPSHOTS=1`) instead of comparing with them.
var isRecording: Bool {
    ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
}

/// The package's root directory, found from this file's place in the source tree.
let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // TendResourcesTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

/// Every diagnostic as the CLI prints it, without colour.
func rendered(_ result: ConfigLoadResult) -> String {
    DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
}

