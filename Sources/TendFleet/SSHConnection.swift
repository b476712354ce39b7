import Foundation
import TendCore

/// One host reached through the system `ssh`: the user's keys, agent and `~/.ssh/config` (or `-F FILE`), one
/// multiplexed master connection per host whose socket lives in a private 0700 directory, and every remote
/// command an argv quoted by `RemoteShell` and placed after `--` and the destination.
public final class SSHConnection: Sendable {
    public let destination: SSHDestination
    /// The `-F` file, when not the user's own ssh config.
    public let configFile: String?
    let controlPath: String
    let environment: [String: String]

    /// `controlPath` must lie in a directory only this user can enter: whoever can reach the socket can run
    /// commands as the remote user.
    public init(destination: SSHDestination, controlPath: String, configFile: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.destination = destination
        self.controlPath = controlPath
        self.configFile = configFile
        self.environment = environment
    }

    /// The ssh options every call shares. BatchMode: many hosts at once cannot each ask for a password or a
    /// passphrase on one terminal; keys come from the agent or unencrypted key files.
    var options: [String] {
        var argv = ["ssh"]
        if let configFile { argv += ["-F", configFile] }
        argv += ["-T", "-o", "BatchMode=yes", "-o", "ControlPath=\(controlPath)", "-o", "ConnectTimeout=20",
                 "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4"]
        if let port = destination.port { argv += ["-p", String(port)] }
        return argv
    }

    /// Opens the master connection; returns when ssh has authenticated and gone to the background. It ends at
    /// `close`, or by itself after five idle minutes should this process die before closing it.
    public func open() async throws(FleetError) {
        let argv = options + ["-o", "ControlMaster=yes", "-o", "ControlPersist=300", "-f", "-N", "--",
                              destination.target]
        let result: CommandResult
        do {
            result = try await runner().run(Command(argv, timeout: 90))
        } catch {
            throw .connection(host: destination.description, message: "could not start ssh: \(error)")
        }
        guard result.succeeded else {
            let reason = result.tail(lines: 3).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .connection(host: destination.description, message: "unreachable: "
                              + (reason.isEmpty ? "ssh exited with status \(result.status)" : reason))
        }
    }

    /// Runs `argv` on the host through the master connection; `input` goes to its standard input, and each
    /// line of its standard output goes to `onLine` as it arrives. A non-zero exit is a result; 255 is ssh's own.
    public func run(_ argv: [String], input: [UInt8]? = nil, timeout: Double? = 600,
                    onLine: (@Sendable (String) -> Void)? = nil) async throws(FleetError) -> CommandResult {
        let command = Command(options + ["--", destination.target, RemoteShell.commandLine(argv)], input: input,
                              timeout: timeout)
        var runner = runner()
        if let onLine {
            let lines = LineSplitter(onLine)
            runner.liveOutput = { _, stream, bytes in if stream == .standardOutput { lines.add(bytes) } }
            defer { lines.finish() }
            return try await run(command, with: runner)
        }
        return try await run(command, with: runner)
    }

    private func run(_ command: Command, with runner: SystemProcessRunner) async throws(FleetError) -> CommandResult {
        do {
            return try await runner.run(command)
        } catch {
            throw .connection(host: destination.description, message: "\(error)")
        }
    }

    /// Closes the master connection (best effort: a host that went away has nothing to close).
    public func close() async {
        _ = try? await runner().run(Command(options + ["-O", "exit", "--", destination.target], timeout: 30))
    }

    private func runner() -> SystemProcessRunner {
        SystemProcessRunner(captureLimit: 4 << 20, terminationGrace: 3, baseEnvironment: environment, useSudo: false)
    }
}
