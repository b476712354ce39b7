import Foundation
import TendCore
import TendTestSupport

/// Local users reachable over a real sshd on loopback (the one `.ci/run` starts on 127.0.0.1:2222, or
/// `TEND_TEST_SSHD`), each with a home of its own, the test's key in `~/.ssh/authorized_keys` and, once
/// bootstrapped, the built tend in `~/.local/bin/tend`. The client side is an ssh config file of the test's
/// own (key, known hosts), passed with `--ssh-config`.
final class SSHFleet: @unchecked Sendable {
    static let server: (host: String, port: Int) = {
        let text = ProcessInfo.processInfo.environment["TEND_TEST_SSHD"] ?? "127.0.0.1:2222"
        let parts = text.split(separator: ":")
        return (String(parts.first ?? "127.0.0.1"), parts.count > 1 ? Int(parts[1]) ?? 2222 : 2222)
    }()

    /// Why these tests cannot run here, or nil. When `.ci/run` said an sshd is there (TEND_TEST_SSHD), a
    /// missing one is not a reason to skip: the tests run and fail.
    static let unavailableReason: String? = {
        if let reason = LocalUser.unavailableReason { return reason }
        if BuiltTend.path == nil { return "no built tend beside the tests" }
        if ProcessInfo.processInfo.environment["TEND_TEST_SSHD"] != nil { return nil }
        return accepts(server.host, server.port) ? nil
            : "no sshd on \(server.host):\(server.port); .ci/run starts one (or set TEND_TEST_SSHD=HOST:PORT)"
    }()

    static func accepts(_ host: String, _ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    let directory: TemporaryHome
    let sshConfig: String
    let users: [LocalUser]
    /// Where the fleet commands run: a HOME of their own, holding the config and the inventory.
    let workspace: TemporaryHome

    init(users count: Int) async throws {
        directory = try TemporaryHome(prefix: "tend-fleet")
        // The users' homes are under it: everyone must be able to pass through.
        chmod(directory.path, 0o755)
        workspace = try TemporaryHome(prefix: "tend-fleet-ws")
        let key = directory.path + "/client/id_ed25519"
        mkdir(directory.path + "/client", 0o700)
        let runner = SystemProcessRunner(useSudo: false)
        _ = try await runner.checked(Command(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tend-fleet-test",
                                          "-f", key], timeout: 60))
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        sshConfig = try directory.write("client/ssh_config", """
            Host *
              IdentityFile \(key)
              IdentitiesOnly yes
              StrictHostKeyChecking no
              UserKnownHostsFile \(directory.path)/client/known_hosts
              LogLevel ERROR

            """)
        mkdir(directory.path + "/homes", 0o755)
        var made: [LocalUser] = []
        for index in 0..<count {
            let user = try LocalUser.make(home: directory.path + "/homes/u\(index)")
            let ssh = user.home + "/.ssh"
            mkdir(ssh, 0o700)
            try Data(publicKey.utf8).write(to: URL(fileURLWithPath: ssh + "/authorized_keys"))
            chmod(ssh + "/authorized_keys", 0o600)
            try user.own(ssh)
            try user.own(ssh + "/authorized_keys")
            made.append(user)
        }
        users = made
    }

    /// `user@127.0.0.1:PORT` for a user.
    func address(_ user: LocalUser) -> String {
        "\(user.name)@\(Self.server.host):\(Self.server.port)"
    }

    /// The built tend, run with HOME in the workspace and the working directory there.
    func tend() throws -> BuiltTend {
        try BuiltTend(home: workspace)
    }

    /// Puts the built tend in every user's `~/.local/bin/tend`, as `tend fleet bootstrap` leaves it (same
    /// bytes, owned by the user, mode 0755). Copied here by root rather than over ssh: on a loaded machine
    /// each ssh copy of the debug binary takes half a minute; `bootstrapCopiesThisBinaryCheckedByDigest` runs
    /// the real command.
    ///
    /// `install` writes each copy in a process of its own: a write descriptor held by this (multi-threaded) test
    /// process could leak into a child that another test forks meanwhile, and a binary open for writing anywhere
    /// cannot be run ("Text file busy"), which the fleet reads as "no tend on the host".
    func installTend() throws {
        for user in users {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/install")
            process.arguments = ["-D", "-m", "0755", "-o", String(user.uid), "-g", String(user.gid), "--",
                                 BuiltTend.path ?? "", user.home + "/.local/bin/tend"]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: user.home + "/.local/bin/tend"])
            }
            for directory in [".local", ".local/bin"] {
                try user.own(user.home + "/" + directory)
            }
        }
    }

    /// Runs `tend fleet ACTION` with the workspace's config/tend.yaml and fleet.yaml and the test's ssh config.
    func fleet(_ arguments: [String]) async throws -> BuiltTend.Output {
        try await tend().run(["fleet"] + arguments + ["-c", workspace.path + "/config/tend.yaml",
                                                     "-i", workspace.path + "/fleet.yaml", "--ssh-config", sshConfig])
    }

    /// An inventory of every user, named u0, u1, ..., with a `name` variable each and `extra` lines per host.
    func writeInventory(extra: [Int: String] = [:], additional: String = "", groups: String = "") throws {
        var text = "fleet: 1\n" + groups + "hosts:\n"
        for (index, user) in users.enumerated() {
            text += "  u\(index):\n    address: \(address(user))\n    vars: { name: u\(index)\(extra[index].map { ", " + $0 } ?? "") }\n"
        }
        try workspace.write("fleet.yaml", text + additional)
    }

    /// What a fleet command started with `BuiltTend.start` printed so far.
    func workspaceOutput() -> String {
        (try? String(contentsOfFile: workspace.path + "/out.txt", encoding: .utf8)) ?? ""
    }

    func read(_ user: LocalUser, _ relative: String) -> String? {
        try? String(contentsOfFile: user.home + "/" + relative, encoding: .utf8)
    }
}
