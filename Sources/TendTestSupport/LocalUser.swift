import Foundation
import TendCore

/// A second local account for tests that play another user on the machine (an attacker racing tend, the owner
/// of a home root writes into): made with `useradd` under a unique name, its home a directory the test chooses,
/// and deleted with `userdel` when the value is released. Making one needs root; `make` says why it cannot.
public final class LocalUser: @unchecked Sendable {
    public let name: String
    public let uid: UInt32
    public let gid: UInt32
    /// The account's home, made by `make` with mode 0755 and owned by the account.
    public let home: String

    /// Why no second user can be made here, or nil when one can (root, with `useradd` and `setpriv`).
    public static var unavailableReason: String? {
        if geteuid() != 0 { return "making a second local user needs root (CI runs the tests as root)" }
        for tool in ["/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/bin/setpriv"] where access(tool, X_OK) != 0 {
            return "\(tool) is not installed"
        }
        return nil
    }

    /// Serialises useradd and userdel inside the test process: both lock /etc/passwd and fail, rather than
    /// wait, when another holds it.
    private static let accounts = NSLock()

    private init(name: String, uid: UInt32, gid: UInt32, home: String) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home
    }

    /// Makes the account with its home at `home` (whose parent must exist and be searchable by everyone).
    public static func make(home: String) throws -> LocalUser {
        if let reason = unavailableReason { throw LocalUserError(message: reason) }
        let name = "tendt" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        accounts.lock()
        defer { accounts.unlock() }
        let status = runNow(["/usr/sbin/useradd", "--no-create-home", "--home-dir", home, "--shell", "/bin/sh",
                             "--user-group", name])
        guard status == 0, let entry = getpwnam(name) else {
            throw LocalUserError(message: "useradd \(name) exited with status \(status)")
        }
        let user = LocalUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, home: home)
        guard mkdir(home, 0o755) == 0 || errno == EEXIST, chown(home, user.uid, user.gid) == 0, chmod(home, 0o755) == 0 else {
            throw LocalUserError(message: "could not make \(home) for \(name): \(String(cString: strerror(errno)))")
        }
        return user
    }

    deinit {
        Self.accounts.lock()
        _ = Self.runNow(["/usr/sbin/userdel", name])
        Self.accounts.unlock()
    }

    /// The argv that runs `arguments` as this user, with no supplementary groups.
    public func argv(_ arguments: [String]) -> [String] {
        ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"] + arguments
    }

    /// Runs `arguments` as this user and waits for it.
    public func run(_ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
                    timeout: Double = 600) async throws -> CommandResult {
        var env = ["HOME": home, "USER": name, "LOGNAME": name, "PATH": "/usr/local/bin:/usr/bin:/bin"]
        for (key, value) in environment { env[key] = value }
        let runner = SystemProcessRunner(baseEnvironment: env, useSudo: false)
        return try await runner.run(Command(argv(arguments), workingDirectory: workingDirectory ?? home, timeout: timeout))
    }

    /// Makes a symlink at `path` to `target` that this user owns, as if the user had made it.
    public func makeSymlink(_ path: String, to target: String) throws {
        guard symlink(target, path) == 0, lchown(path, uid, gid) == 0 else {
            throw LocalUserError(message: "could not link \(path) for \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// Gives `path` (not following a link) to this user.
    public func own(_ path: String) throws {
        guard lchown(path, uid, gid) == 0 else {
            throw LocalUserError(message: "could not give \(path) to \(name): \(String(cString: strerror(errno)))")
        }
    }

    private static func runNow(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
