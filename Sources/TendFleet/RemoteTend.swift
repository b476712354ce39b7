import Foundation

/// Finds the tend on a host and checks that it is this tend's version.
enum RemoteTend {
    /// The remote program to run: `~/.local/bin/tend` (where bootstrap puts it), else `tend` on the remote PATH.
    static func find(on connection: SSHConnection, hostName: String, version: String) async throws(FleetError) -> String {
        for program in [RemoteLayout.defaultTend, "tend"] {
            let result = try await connection.run([program, "--version"], timeout: 60)
            if result.status == 127 { continue }
            // 126: there but not runnable (no execute bit, a binary for another machine, "Text file busy").
            if result.status == 126 {
                throw .remoteTend(host: hostName, message: "'\(program)' is on the host but cannot run: "
                                  + result.tail(lines: 2) + "; run 'tend fleet bootstrap \(hostName)' to copy this one")
            }
            if result.status == 255 {
                throw .connection(host: hostName, message: "ssh failed: " + result.tail(lines: 2))
            }
            let found = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            guard result.succeeded, found == version else {
                let shown = result.succeeded ? "tend \(found)" : "a tend that fails ('\(program) --version' exited \(result.status))"
                throw .remoteTend(host: hostName, message: "the host has \(shown), this is tend \(version); run "
                                  + "'tend fleet bootstrap \(hostName)' to copy this one, or install \(version) there")
            }
            return program
        }
        throw .remoteTend(host: hostName, message: "no tend on the host (looked for ~/\(RemoteLayout.defaultTend) and "
                          + "tend on the PATH); run 'tend fleet bootstrap \(hostName)' to copy this one")
    }
}
