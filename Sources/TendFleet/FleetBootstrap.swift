import Foundation
import TendCore

/// `tend fleet bootstrap`: copies this tend's own binary to a host whose `uname -s -m` matches this machine's,
/// checks the copy's SHA-256 there before moving it into place, and runs it once; otherwise says what to do.
public struct FleetBootstrap: Sendable {
    public var hostName: String
    public var destination: SSHDestination
    /// The binary to copy (this process's executable).
    public var binary: String
    /// Where it goes on the host; relative paths are from the remote home.
    public var remotePath: String
    public var version: String
    public var sshConfig: String?
    public var environment: [String: String]

    static let binaryLimit = 1 << 30

    public init(hostName: String, destination: SSHDestination, binary: String, remotePath: String, version: String,
                sshConfig: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.hostName = hostName
        self.destination = destination
        self.binary = binary
        self.remotePath = remotePath
        self.version = version
        self.sshConfig = sshConfig
        self.environment = environment
    }

    /// The system and machine this tend runs on, as `uname -s -m` prints them.
    public static func localPlatform() -> String {
        var name = utsname()
        uname(&name)
        func text<T>(_ field: inout T) -> String {
            withUnsafeBytes(of: &field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return text(&name.sysname) + " " + text(&name.machine)
    }

    /// Copies and checks; returns the sentence to print. Throws with what to do instead when it cannot.
    public func run() async throws(FleetError) -> String {
        guard remotePath.contains("/"), !remotePath.hasPrefix("-"), !remotePath.hasSuffix("/") else {
            throw .bootstrap(host: hostName, message: "--path '\(remotePath)' must be a file path with a directory, "
                             + "such as .local/bin/tend or /usr/local/bin/tend")
        }
        let control = try Self.controlDirectory(environment)
        defer { control.remove() }
        let connection = SSHConnection(destination: destination, controlPath: control.path + "/h", configFile: sshConfig,
                                       environment: environment)
        try await connection.open()
        do {
            let message = try await copy(over: connection)
            await connection.close()
            return message
        } catch {
            await connection.close()
            throw error
        }
    }

    private static func controlDirectory(_ environment: [String: String]) throws(FleetError) -> PrivateDirectory {
        do {
            return try PrivateDirectory.make(purpose: "fleet", environment: environment)
        } catch {
            throw .bundle("could not make a private directory for the ssh connection: \(error)")
        }
    }

    private func copy(over connection: SSHConnection) async throws(FleetError) -> String {
        let platform = try await connection.run(["uname", "-s", "-m"], timeout: 60)
        let remote = platform.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let local = Self.localPlatform()
        guard platform.succeeded, remote == local else {
            throw .bootstrap(host: hostName, message: "the host is '\(remote.isEmpty ? "unknown" : remote)', this tend "
                             + "is built for '\(local)': build tend \(version) on the host (install.sh in tend's "
                             + "sources) or on a machine like it, then copy it to ~/\(RemoteLayout.defaultTend) there")
        }
        let bytes: [UInt8]
        do {
            bytes = try RegularFileReader.read(binary, limit: Self.binaryLimit)
        } catch {
            throw .bootstrap(host: hostName, message: "could not read this tend's binary \(binary): \(error)")
        }
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(buffer: $0) }
        let digest = SHA256.hex(hasher.finalize())
        let temporary = remotePath + ".tend-new"
        // Constant script text; the path arrives as $1.
        let write = try await connection.run(["sh", "-c", "umask 077 && mkdir -p \"${1%/*}\" && cat > \"$1\" && chmod 755 \"$1\"",
                                              "sh", temporary], input: bytes, timeout: 1800)
        guard write.succeeded else {
            throw .bootstrap(host: hostName, message: "could not write \(temporary): " + write.tail(lines: 3))
        }
        var remoteDigest = try await connection.run(["sha256sum", "--", temporary], timeout: 120)
        if remoteDigest.status == 127 {
            remoteDigest = try await connection.run(["shasum", "-a", "256", "--", temporary], timeout: 120)
        }
        let copied = remoteDigest.output.split(separator: " ").first.map(String.init) ?? ""
        guard remoteDigest.succeeded, copied == digest else {
            _ = try? await connection.run(["rm", "-f", "--", temporary], timeout: 60)
            throw .bootstrap(host: hostName, message: "the copy's SHA-256 is '\(copied)', not \(digest); it was "
                             + "removed and nothing was installed: run bootstrap again")
        }
        let moved = try await connection.run(["mv", "-f", "--", temporary, remotePath], timeout: 60)
        guard moved.succeeded else {
            throw .bootstrap(host: hostName, message: "could not move the copy to \(remotePath): " + moved.tail(lines: 3))
        }
        let check = try await connection.run([remotePath, "--version"], timeout: 60)
        let reported = check.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard check.succeeded, reported == version else {
            throw .bootstrap(host: hostName, message: "copied to \(remotePath) (sha256 \(digest) checked), but it does "
                             + "not run there ('--version' exited \(check.status): \(check.tail(lines: 2))); the host may "
                             + "lack the Swift runtime: build tend with '--static-swift-stdlib' and bootstrap again")
        }
        let hint = remotePath == RemoteLayout.defaultTend || remotePath.hasPrefix("/") ? ""
            : "; fleet runs look in ~/\(RemoteLayout.defaultTend), then tend on the PATH"
        return "\(hostName): installed tend \(version) at \(remotePath) (\(remote), sha256 \(digest.prefix(16))... checked)\(hint)"
    }
}
