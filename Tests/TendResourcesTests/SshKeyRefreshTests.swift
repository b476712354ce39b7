import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// True when `ssh-keygen` is on PATH (Debian: `apt-get install openssh-client`).
private let hasSshKeygen = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    .split(separator: ":").contains { access("\($0)/ssh-keygen", X_OK) == 0 }

/// Runs a real program (argv only) with the temporary home's environment and checks that it exits 0.
@discardableResult
private func run(_ arguments: [String], _ home: TemporaryHome) async throws -> CommandResult {
    try await SystemProcessRunner(baseEnvironment: home.facts().environment)
        .checked(Command(arguments, timeout: 60))
}

/// `ssh-keygen -t TYPE -N PASSPHRASE -C COMMENT -f PATH -q`, with `extra` arguments before `-f`.
private func generate(_ type: String, comment: String, at path: String, passphrase: String = "",
                      extra: [String] = [], _ home: TemporaryHome) async throws {
    try FileManager.default.createDirectory(atPath: PathNormalizer.directory(of: path), withIntermediateDirectories: true)
    try await run(["ssh-keygen", "-t", type, "-N", passphrase, "-C", comment] + extra + ["-f", path, "-q"], home)
}

/// What `ssh-keygen -lf FILE` prints: bits, fingerprint, comment, (TYPE).
private func listedFingerprint(_ file: String, _ home: TemporaryHome) async throws -> String {
    let output = try await run(["ssh-keygen", "-lf", file], home).output
    let fields = output.split(separator: " ")
    return try String(#require(fields.dropFirst().first, "ssh-keygen -lf printed \(output)"))
}

@Suite struct SshPublicKeyTests {
    /// A key made with `ssh-keygen -t ed25519 -C 'vector key'`; `ssh-keygen -lf` printed the fingerprint.
    static let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIEDoXR46uzPlt79arGdXDKF7LJwTKCDlfHCK3MoCaj4 vector key\n"

    @Test func fingerprintOfAKnownKey() throws {
        let key = try #require(SshPublicKey(line: Self.line))
        #expect(key.algorithm == "ssh-ed25519")
        #expect(key.keyType == "ed25519")
        #expect(key.comment == "vector key")
        #expect(key.fingerprint == "SHA256:Iu6ySRwhBRl0NR/mM2PcieF7MJtyKLjOR34H7hKb2V8")
        #expect(key.publicKeyLine + "\n" == Self.line)
        #expect(key.blob.count == 51)
    }

    @Test func noCommentAndSurroundingBlankLines() throws {
        let key = try #require(SshPublicKey(line: "\n  \nssh-ed25519   AAAAC3NzaC1lZDI1NTE5AAAAIIEDoXR46uzPlt79arGdXDKF7LJwTKCDlfHCK3MoCaj4  \n"))
        #expect(key.comment == "")
        #expect(key.fingerprint == "SHA256:Iu6ySRwhBRl0NR/mM2PcieF7MJtyKLjOR34H7hKb2V8")
    }

    @Test(arguments: [
        "",
        "ssh-ed25519",
        "ssh-ed25519 not-base64!",
        // The algorithm field must name the algorithm inside the blob.
        "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIIEDoXR46uzPlt79arGdXDKF7LJwTKCDlfHCK3MoCaj4",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
    ])
    func notAPublicKey(text: String) {
        #expect(SshPublicKey(line: text) == nil)
    }

    @Test(arguments: [
        ("ssh-ed25519", "ed25519"), ("ssh-rsa", "rsa"), ("ecdsa-sha2-nistp256", "ecdsa"),
        ("ecdsa-sha2-nistp521", "ecdsa"), ("ssh-dss", "dsa"), ("sk-ssh-ed25519@openssh.com", "ed25519-sk"),
        ("sk-ecdsa-sha2-nistp256@openssh.com", "ecdsa-sk"), ("something-new", "something-new"),
    ])
    func keyTypeNames(algorithm: String, keyType: String) throws {
        var blob: [UInt8] = []
        let name = Array(algorithm.utf8)
        for shift in [24, 16, 8, 0] { blob.append(UInt8(truncatingIfNeeded: name.count >> shift)) }
        blob += name
        let key = try #require(SshPublicKey(line: "\(algorithm) \(Data(blob).base64EncodedString()) c"))
        #expect(key.keyType == keyType)
    }

    @Test func aDirectoryWhereTheKeyShouldBeIsNotAKey() throws {
        let home = try TemporaryHome()
        try FileManager.default.createDirectory(atPath: home.path + "/.ssh/id_ed25519", withIntermediateDirectories: true)
        let observation = SshKeyResource.inspect(path: home.path + "/.ssh/id_ed25519", files: FileSystem())
        #expect(observation == .present(["keyType": .string(SshKeyResource.notAKey)], note: "exists and is a directory"))
        #expect(SshKeyResource.inspect(path: home.path + "/.ssh/none", files: FileSystem()) == .absent("does not exist"))
    }

    @Test func aPublicFileThatIsNotAKeyIsReported() throws {
        let home = try TemporaryHome()
        let path = try home.write(".ssh/id_ed25519", "private\n")
        try home.write(".ssh/id_ed25519.pub", "garbage\n")
        #expect(SshKeyResource.inspect(path: path, files: FileSystem())
                == .present([:], note: "\(path).pub is not an SSH public key"))
    }
}

@Suite(.enabled(if: hasSshKeygen, "ssh-keygen is not installed (apt-get install openssh-client)"))
struct SshKeyRefreshTests {
    @Test(arguments: [
        ("ed25519", [String](), "ed25519"),
        ("rsa", ["-b", "2048"], "rsa"),
        ("ecdsa", ["-b", "256"], "ecdsa"),
    ])
    func fingerprintMatchesSshKeygen(type: String, extra: [String], keyType: String) async throws {
        let home = try TemporaryHome()
        let path = home.path + "/.ssh/id_\(type)"
        try await generate(type, comment: "me@laptop  two spaces", at: path, extra: extra, home)

        let observation = SshKeyResource.inspect(path: path, files: FileSystem())
        #expect(observation == .present(["keyType": .string(keyType), "comment": .string("me@laptop  two spaces")]))
        let key = try #require(SshPublicKey(line: try String(contentsOfFile: path + ".pub", encoding: .utf8)))
        #expect(key.fingerprint == (try await listedFingerprint(path + ".pub", home)))
        #expect(key.publicKeyLine + "\n" == (try String(contentsOfFile: path + ".pub", encoding: .utf8)))
    }

    @Test func withoutThePublicFileTheTypeAndFingerprintComeFromThePrivateKey() async throws {
        let home = try TemporaryHome()
        let path = home.path + "/.ssh/id_ed25519"
        // A passphrase encrypts the private half only; the public half stays readable.
        try await generate("ed25519", comment: "locked", at: path, passphrase: "correct horse", home)
        let expected = try await listedFingerprint(path + ".pub", home)
        try FileManager.default.removeItem(atPath: path + ".pub")

        let bytes = try #require(FileSystem().read(path))
        let key = try #require(SshPublicKey(privateKey: bytes))
        #expect(key.fingerprint == expected)
        #expect(key.keyType == "ed25519")
        let observation = SshKeyResource.inspect(path: path, files: FileSystem())
        #expect(observation == .present(["keyType": .string("ed25519")], note: "\(path).pub is missing"))
    }

    @Test func planGeneratesChangesCommentsAndReplacesOtherTypes() async throws {
        let home = try TemporaryHome()
        try await generate("ed25519", comment: "me@laptop", at: home.path + "/.ssh/id_ed25519", home)
        try await generate("ed25519", comment: "old comment", at: home.path + "/.ssh/id_work", home)
        try await generate("ed25519", comment: "x", at: home.path + "/.ssh/id_old", home)
        let loader = ConfigLoader(catalog: BuiltinSchemas.catalog, host: home.facts(), workingDirectory: home.path)
        let result = loader.load(text: """
            tend: 1
            resources:
              - type: ssh-key
                path: ~/.ssh/id_ed25519
                comment: me@laptop
              - type: ssh-key
                path: ~/.ssh/id_work
                comment: me@work
              - type: ssh-key
                path: ~/.ssh/id_new
              - type: ssh-key
                path: ~/.ssh/id_old
                keyType: rsa
                bits: 4096
            """, path: home.path + "/tend.yaml")
        #expect(result.diagnostics.isEmpty)
        let config = try #require(result.config)
        let type = SshKeyResource()
        let observations = try await type.refresh(config.resources, host: home.host())
        let plan = Planner(registry: TypeRegistry([type]), home: home.path)
            .plan(config: config, resources: config.resources, observations: observations)
        let byKey = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.address.key, $0) })
        #expect(plan.unchanged.map(\.key) == ["~/.ssh/id_ed25519"])
        #expect(byKey["~/.ssh/id_work"]?.operation == .modify)
        #expect(byKey["~/.ssh/id_work"]?.message == "Change comment of ~/.ssh/id_work (both files kept in backups first)")
        #expect(byKey["~/.ssh/id_work"]?.parameters.map(\.before) == [.string("old comment")])
        #expect(byKey["~/.ssh/id_new"]?.operation == .create)
        #expect(byKey["~/.ssh/id_new"]?.message == "Generate ed25519 key ~/.ssh/id_new")
        #expect(byKey["~/.ssh/id_old"]?.operation == .recreate)
        #expect(byKey["~/.ssh/id_old"]?.message == "Replace ed25519 key ~/.ssh/id_old with a new rsa key")
    }
}
