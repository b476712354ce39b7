import Foundation
import Testing
import TendCore
import TendTestSupport

/// The apt-repository type through the built binary, as root, against a real signed flat repository served on
/// 127.0.0.1: a tiny package built with dpkg-deb, indexed with dpkg-scanpackages, its Release signed with a gpg
/// key made for the test (GNUPGHOME in a temporary directory). The repository's files in /etc/apt are removed
/// when the test ends, whatever its outcome.
@Suite(.enabled(if: geteuid() == 0, "adding an apt repository writes /etc/apt, which needs root (CI runs tests as root)"),
       .enabled(if: LocalHTTPServer.unavailableReason == nil, "\(LocalHTTPServer.unavailableReason ?? "")"),
       .enabled(if: ["/usr/bin/gpg", "/usr/bin/dpkg-deb", "/usr/bin/dpkg-scanpackages", "/usr/bin/apt-get", "/usr/bin/curl"]
                    .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
                "gpg, dpkg-deb, dpkg-scanpackages (dpkg-dev), apt-get and curl are needed (CI installs them)"))
struct AptRepositoryEndToEndTests {
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) async throws -> CommandResult {
        var env = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        for (key, value) in environment { env[key] = value }
        let runner = SystemProcessRunner(baseEnvironment: env, useSudo: false)
        let result = try await runner.run(Command(arguments, workingDirectory: directory, timeout: 600))
        try #require(result.succeeded, "\(arguments.joined(separator: " ")) failed: \(result.output)\(result.errorOutput)")
        return result
    }

    /// Removes the repository's files from /etc/apt whatever happened in the test.
    static func cleanUp(_ names: [String]) {
        for name in names {
            unlink("/etc/apt/sources.list.d/\(name).sources")
            unlink("/etc/apt/keyrings/\(name).gpg")
        }
    }

    @Test func aSignedRepositoryIsAddedCheckedAndRemoved() async throws {
        try await AptTestLock.exclusively {
            let server = try LocalHTTPServer.start()
            let work = try TemporaryHome(prefix: "tend-aptrepo")
            let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
            let name = "tend-fixture-\(suffix)"
            let wrongName = "tend-fixture-wrong-\(suffix)"
            defer { Self.cleanUp([name, wrongName]) }

            // A package nobody has: Architecture all, no dependencies.
            try work.write("pkg/DEBIAN/control", "Package: \(name)\nVersion: 1.0\nArchitecture: all\n"
                + "Maintainer: tend tests <tests@example.com>\nDescription: a fixture for tend's apt-repository test\n")
            try FileManager.default.createDirectory(atPath: server.root + "/repo", withIntermediateDirectories: true)
            _ = try await Self.run(["dpkg-deb", "--build", "--root-owner-group", work.path + "/pkg",
                                    server.root + "/repo/\(name)_1.0_all.deb"])
            let packages = try await Self.run(["dpkg-scanpackages", "--multiversion", "."], in: server.root + "/repo").output
            try server.put("repo/Packages", Array(packages.utf8))
            let digest = String(SHA256.digest(Array(packages.utf8)).dropFirst("sha256:".count))
            let release = "Origin: tend tests\nLabel: tend tests\nDate: \(Self.rfc2822(Date()))\nSHA256:\n"
                + " \(digest) \(packages.utf8.count) Packages\n"
            try server.put("repo/Release", Array(release.utf8))

            // A signing key made for this test only.
            let gnupg = work.path + "/gnupg"
            try FileManager.default.createDirectory(atPath: gnupg, withIntermediateDirectories: true)
            chmod(gnupg, 0o700)
            let gpgEnvironment = ["GNUPGHOME": gnupg]
            _ = try await Self.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "tend tests <tests@example.com>",
                                    "ed25519", "sign", "never"], environment: gpgEnvironment)
            let listing = try await Self.run(["gpg", "--batch", "--with-colons", "--list-keys"], environment: gpgEnvironment).output
            let fingerprint = try #require(listing.split(separator: "\n").first { $0.hasPrefix("fpr:") }?
                .split(separator: ":", omittingEmptySubsequences: false)[9]).description
            let armored = try await Self.run(["gpg", "--batch", "--armor", "--export", fingerprint], environment: gpgEnvironment).output
            try server.put("key.asc", Array(armored.utf8))
            _ = try await Self.run(["gpg", "--batch", "--yes", "--local-user", fingerprint, "--clearsign", "--output",
                                    server.root + "/repo/InRelease", server.root + "/repo/Release"], environment: gpgEnvironment)

            let tend = TendBinary(home: work)
            let repository = "  - type: apt-repository\n    name: \(name)\n    uris: [\(server.url("repo"))]\n    suites: [\"./\"]\n"
                + "    keyUrl: \(server.url("key.asc"))\n    fingerprint: \(fingerprint)\n"
            try work.write("tend.yaml", "tend: 1\nresources:\n" + repository)
            let apply = try await tend.run(["apply", "--yes"])
            #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
            let sources = try String(contentsOfFile: "/etc/apt/sources.list.d/\(name).sources", encoding: .utf8)
            #expect(sources.contains("URIs: \(server.url("repo"))\nSuites: ./\nSigned-By: /etc/apt/keyrings/\(name).gpg\n"), "\(sources)")
            // Dearmored: apt's Signed-By file is a binary keyring.
            let keyring = try #require(FileManager.default.contents(atPath: "/etc/apt/keyrings/\(name).gpg"))
            #expect(!keyring.starts(with: Array("-----BEGIN".utf8)))
            // apt-get update (run by tend) took the signed index: the fixture package has a candidate from it.
            let policy = try await Self.run(["apt-cache", "policy", name]).output
            #expect(policy.contains("Candidate: 1.0"), "\(policy)")
            #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 0)

            // A key whose fingerprint is not the pinned one is refused before any file is written.
            let wrong = String(repeating: "0", count: 40)
            try work.write("tend.yaml", "tend: 1\nresources:\n" + repository + repository
                .replacingOccurrences(of: "name: \(name)", with: "name: \(wrongName)")
                .replacingOccurrences(of: "fingerprint: \(fingerprint)", with: "fingerprint: \(wrong)"))
            let refused = try await tend.run(["apply", "--yes"])
            #expect(refused.status == 1)
            #expect((refused.stdout + refused.stderr).contains("is the key \(fingerprint), not the pinned fingerprint \(wrong)"),
                    "\(refused.stdout)\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "/etc/apt/sources.list.d/\(wrongName).sources"))
            #expect(!FileManager.default.fileExists(atPath: "/etc/apt/keyrings/\(wrongName).gpg"))

            // Leaving the config removes both files, and apt no longer offers the package.
            try work.write("tend.yaml", "tend: 1\nresources: []\n")
            let remove = try await tend.run(["apply", "--yes"])
            #expect(remove.status == 0, "\(remove.stdout)\(remove.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "/etc/apt/sources.list.d/\(name).sources"))
            #expect(!FileManager.default.fileExists(atPath: "/etc/apt/keyrings/\(name).gpg"))
            let after = try await Self.run(["apt-cache", "policy", name]).output
            #expect(!after.contains("Candidate: 1.0"), "\(after)")
        }
    }

    static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}
