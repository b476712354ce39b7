import Foundation
import TendCore

/// Small Debian packages a test may install and remove, chosen among those absent from this machine at the
/// moment of asking, so no test depends on (or removes) a copy the user or an earlier test installed.
/// Removal is synchronous so that it can sit in a `defer`, which cannot await.
public enum ThrowawayDebianPackages {
    /// Tiny leaf packages in Debian 12's main archive; any of them may be installed already on a given machine.
    public static let candidates = ["hello", "sl", "cowsay", "figlet", "toilet", "lolcat", "fortune-mod",
                                    "cmatrix", "bsdgames", "ninvaders"]

    /// Whether dpkg knows nothing of `package`: not installed, and no configuration files left by a removal
    /// (those are the user's, and a test that installed and purged the package would take them).
    public static func isUnknownToDpkg(_ package: String) async throws -> Bool {
        let probe = try await SystemProcessRunner().run(Command(["dpkg-query", "-W", "-f", "${Status}", package]))
        return !probe.succeeded || probe.output.isEmpty || probe.output.hasSuffix(" not-installed")
    }

    /// Whether dpkg counts `package` as installed now.
    public static func isInstalled(_ package: String) async throws -> Bool {
        let probe = try await SystemProcessRunner().run(Command(["dpkg-query", "-W", "-f", "${Status}", package]))
        return probe.output.hasSuffix(" installed")
    }

    /// Whether apt has a version of `package` it could install (`apt-cache policy` names a candidate).
    public static func isInstallable(_ package: String) async throws -> Bool {
        let policy = try await SystemProcessRunner().run(Command(["apt-cache", "policy", "--", package]))
        guard policy.succeeded, let line = policy.output.split(separator: "\n")
            .first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Candidate:") }) else { return false }
        return !line.hasSuffix("(none)")
    }

    /// The first `count` candidates dpkg knows nothing of (and, when `installable`, that apt could install),
    /// or the shortage when there are not enough; a test skips visibly with its description.
    public static func absent(_ count: Int, installable: Bool) async throws -> Result<[String], Shortage> {
        var chosen: [String] = []
        var present: [String] = []
        for candidate in candidates where chosen.count < count {
            if !(try await isUnknownToDpkg(candidate)) { present.append(candidate); continue }
            if installable, !(try await isInstallable(candidate)) { continue }
            chosen.append(candidate)
        }
        if chosen.count == count { return .success(chosen) }
        return .failure(Shortage(wanted: count, present: present, installable: installable))
    }

    /// Purges `packages` (ones the test installed, unknown to dpkg before) and waits, so the machine is as it
    /// was, configuration files included. Blocking on purpose: it runs from `defer`, which cannot await.
    public static func removeNow(_ packages: [String]) {
        guard !packages.isEmpty else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/apt-get")
        process.arguments = ["purge", "-y", "-q", "--"] + packages
        process.environment = ["DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run(); process.waitUntilExit() } catch {}
    }

    /// Why not enough throwaway packages are available.
    public struct Shortage: Error, CustomStringConvertible {
        public let wanted: Int
        /// Candidates dpkg has a record of: installed, or removed with their configuration files kept.
        public let present: [String]
        public let installable: Bool

        public var description: String {
            let what = installable ? "unknown to dpkg and installable" : "unknown to dpkg"
            return "needs \(wanted) small package(s) \(what) among \(candidates.joined(separator: ", ")); "
                + "installed or left configured here: \(present.isEmpty ? "none" : present.joined(separator: ", "))"
        }
    }
}
