import Foundation
import Testing
import TendCore
import TendResources
import TendTestSupport

/// A temporary HOME, a state store, and the real engine and executor over them.
private final class KeyWorld: @unchecked Sendable {
    let home: TemporaryHome
    let store: InMemoryStateStore
    let log = KeyLogLines()
    /// Runs so far; each apply opens one.
    private(set) var runs: [Int64] = []

    init() throws {
        home = try TemporaryHome()
        store = InMemoryStateStore(backupDirectory: home.path + "/.state/backups")
    }

    var host: Machine { home.host() }
    var ssh: String { home.path + "/.ssh" }

    func load(_ resources: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
        let loader = ConfigLoader(catalog: BuiltinSchemas.catalog, host: home.facts(), workingDirectory: home.path)
        let text = "tend: 1\nresources:\n" + resources
        let result = loader.load(text: text, path: home.path + "/tend.yaml")
        let shown = DiagnosticRenderer(sources: result.sources, color: false).render(result.diagnostics)
        #expect(result.diagnostics.isEmpty, "\(shown)", sourceLocation: sourceLocation)
        return try #require(result.config, "\(shown)", sourceLocation: sourceLocation)
    }

    func plan(_ config: Config) async throws -> PlanResult {
        try await Engine(registry: BuiltinTypes.registry, host: host).plan(config: config)
    }

    /// Plans and applies through the executor, journaled in the store; `backups: false` runs without a keeper.
    func apply(_ config: Config, backups: Bool = true) async throws -> ApplySummary {
        let planned = try await plan(config)
        let run = try store.beginRun(kind: .apply, configPath: config.rootPath, configDigest: config.digest,
                                     pid: getpid(), hostname: "test")
        runs.append(run.id)
        let journal = StateJournal(store: store, runID: run.id, configPath: config.rootPath,
                                   registry: BuiltinTypes.registry)
        return await Executor(registry: BuiltinTypes.registry, host: host, journal: journal,
                              backups: backups ? StateBackupKeeper(store: store) : nil, progress: log,
                              retryOverride: RetryPolicy(attempts: 1, backoff: 0))
            .apply(plan: planned.plan, resources: planned.resources, observations: planned.observations)
    }

    func converge(_ config: Config, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let summary = try await apply(config)
        let problems = summary.outcomes.compactMap { address, outcome -> String? in
            if case .failed(let message, _, _) = outcome { return "\(address): \(message)" }
            return nil
        }
        #expect(summary.succeeded, "\(problems)", sourceLocation: sourceLocation)
        let again = try await plan(config)
        #expect(again.plan.changes.isEmpty, "\(again.plan.changes.map { "\($0.address): \($0.reason)" })",
                sourceLocation: sourceLocation)
    }

    func address(_ path: String) -> Address { Address(type: "ssh-key", key: path) }

    func failure(_ summary: ApplySummary, _ path: String) -> String? {
        if case .failed(let message, _, _)? = summary.outcomes[address(path)] { return message }
        return nil
    }

    /// Runs a real program with the home's environment.
    @discardableResult
    func run(_ arguments: [String], check: Bool = true) async throws -> CommandResult {
        let result = try await SystemProcessRunner(baseEnvironment: home.facts().environment)
            .run(Command(arguments, timeout: 60))
        return check ? try result.check() : result
    }

    func mode(_ path: String) -> Int? { FileSystem().status(path)?.mode }
    func bytes(_ path: String) -> [UInt8]? { FileSystem().read(path) }
}

private final class KeyLogLines: ApplyProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func started(_ change: ResourceChange) {}
    func finished(_ change: ResourceChange, outcome: ChangeOutcome) {}
    func log(_ address: Address?, _ line: String) { lock.withLock { lines.append(line) } }
}

/// A YAML double-quoted scalar holding `text` exactly.
private func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

@Suite struct SshKeyApplyTests {
    @Test func generatesAKeyInANewSshDirectoryAndConverges() async throws {
        let world = try KeyWorld()
        let pwned = "/tmp/PWNED-" + UUID().uuidString
        let comment = "me@laptop; $(touch \(pwned)) `touch \(pwned)` 'single' \"double\" #hash"
        let config = try world.load("""
              - type: ssh-key
                path: ~/.ssh/id_ed25519
                comment: \(quoted(comment))
              - type: ssh-key
                path: ~/keys/work/id_rsa
                keyType: rsa
                bits: 3072
            """)
        try await world.converge(config)
        #expect(!FileManager.default.fileExists(atPath: pwned))

        let key = world.ssh + "/id_ed25519"
        #expect(world.mode(world.ssh) == 0o700)
        #expect(world.mode(key) == 0o600)
        let line = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        #expect(line.hasPrefix("ssh-ed25519 "))
        #expect(line.hasSuffix(" " + comment + "\n"))
        // Without a passphrase: ssh-keygen reads the private key with an empty one.
        try await world.run(["ssh-keygen", "-y", "-P", "", "-f", key])

        let outputs = try #require(try world.store.managedResource(world.address("~/.ssh/id_ed25519"))?.outputs)
        #expect(outputs["publicKey"] == .string(line.trimmingCharacters(in: .newlines)))
        let listed = try await world.run(["ssh-keygen", "-lf", key + ".pub"]).output.split(separator: " ")
        try #require(listed.count > 1)
        #expect(outputs["fingerprint"] == .string(String(listed[1])))

        // Directories tend makes above a key are private too; bits reach ssh-keygen.
        #expect(world.mode(world.home.path + "/keys") == 0o700)
        #expect(world.mode(world.home.path + "/keys/work") == 0o700)
        let rsa = try await world.run(["ssh-keygen", "-lf", world.home.path + "/keys/work/id_rsa.pub"]).output
        #expect(rsa.hasPrefix("3072 SHA256:"))
        #expect(rsa.hasSuffix("(RSA)\n"))
    }

    @Test func aPassphraseNeverReachesArgvTheLogOrTheReports() async throws {
        let world = try KeyWorld()
        let pwned = "/tmp/PWNED-" + UUID().uuidString
        let passphrase = "correct horse; $(touch \(pwned)) 'battery' \"staple\""
        let key = world.ssh + "/id_ed25519"
        func config(_ comment: String) throws -> Config {
            try world.load("""
                  - type: ssh-key
                    path: ~/.ssh/id_ed25519
                    comment: \(comment)
                    passphrase: \(quoted(passphrase))
                """)
        }
        try await world.converge(try config("first"))
        // The passphrase protects the key: only it opens it.
        #expect(try await world.run(["ssh-keygen", "-y", "-P", "", "-f", key], check: false).status != 0)
        try await world.run(["ssh-keygen", "-y", "-P", passphrase, "-f", key])

        // A comment change needs the passphrase too.
        try await world.converge(try config("second"))
        #expect(try String(contentsOfFile: key + ".pub", encoding: .utf8).hasSuffix(" second\n"))
        try await world.run(["ssh-keygen", "-y", "-P", passphrase, "-f", key])

        #expect(!world.log.all.isEmpty)
        #expect(!world.log.all.contains { $0.contains("horse") })
        let commands = try world.runs.flatMap { try world.store.reports(runID: $0) }.flatMap(\.commands)
        #expect(commands.contains { $0.arguments.first == "ssh-keygen" })
        #expect(!commands.contains { $0.arguments.contains { $0.contains("horse") } || $0.outputTail.contains("horse") })
        // The askpass helper is gone, and no shell ran the passphrase.
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.ssh).sorted() == ["id_ed25519", "id_ed25519.pub"])
        #expect(!FileManager.default.fileExists(atPath: pwned))
    }

    @Test func anExistingKeyIsNeverOverwritten() async throws {
        let world = try KeyWorld()
        let key = world.ssh + "/id_ed25519"
        try FileManager.default.createDirectory(atPath: world.ssh, withIntermediateDirectories: true)
        try await world.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "old", "-f", key])
        let before = try #require(world.bytes(key))

        let summary = try await world.apply(try world.load("  - { type: ssh-key, path: ~/.ssh/id_ed25519, keyType: ed25519 }\n"))
        #expect(world.failure(summary, "~/.ssh/id_ed25519") == "~/.ssh/id_ed25519 holds a key of type rsa; tend never "
                + "overwrites a private key (move it away yourself, and tend will generate a new ed25519 key)")
        #expect(world.bytes(key) == before)

        // A directory where the key should be is not replaced either.
        try FileManager.default.createDirectory(atPath: world.ssh + "/id_dir", withIntermediateDirectories: true)
        let directory = try await world.apply(try world.load("  - { type: ssh-key, path: ~/.ssh/id_dir, keyType: ed25519 }\n"))
        #expect(world.failure(directory, "~/.ssh/id_dir")?.hasPrefix("~/.ssh/id_dir is not a key file; tend never overwrites") == true)
    }

    /// An adopted key's comment change rewrites its files, so tend keeps both first; `ensure: absent` keeps the
    /// pair and deletes it, and the backups still hold the user's original bytes.
    @Test func commentChangeAndDeletionKeepTheOriginals() async throws {
        let world = try KeyWorld()
        let key = world.ssh + "/id_ed25519"
        try FileManager.default.createDirectory(atPath: world.ssh, withIntermediateDirectories: true)
        try await world.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "original", "-f", key])
        let original = (try #require(world.bytes(key)), try #require(world.bytes(key + ".pub")))
        let fingerprint = try await world.run(["ssh-keygen", "-lf", key]).output.split(separator: " ")[1]

        try await world.converge(try world.load("  - { type: ssh-key, path: ~/.ssh/id_ed25519, comment: renamed }\n"))
        #expect(try String(contentsOfFile: key + ".pub", encoding: .utf8).hasSuffix(" renamed\n"))
        #expect(try await world.run(["ssh-keygen", "-lf", key]).output.split(separator: " ")[1] == fingerprint)
        let kept = try world.store.backups(for: world.address("~/.ssh/id_ed25519"))
        #expect(Set(kept.map(\.path)) == [key, key + ".pub"])

        try await world.converge(try world.load(
            "  - { type: ssh-key, path: ~/.ssh/id_ed25519, comment: renamed, ensure: absent }\n"))
        #expect(!FileManager.default.fileExists(atPath: key))
        #expect(!FileManager.default.fileExists(atPath: key + ".pub"))
        let blobs = try world.store.backups(for: world.address("~/.ssh/id_ed25519"))
            .compactMap { backup in backup.blobPath.flatMap { world.bytes($0) }.map { (backup.path, $0) } }
        // The user's original pair, and the renamed pair tend deleted, are all kept.
        #expect(blobs.contains { $0.0 == key && $0.1 == original.0 })
        #expect(blobs.contains { $0.0 == key + ".pub" && $0.1 == original.1 })
        #expect(blobs.count == 4)
    }

    @Test func withoutABackupKeeperAKeyIsNeitherRewrittenNorDeleted() async throws {
        let world = try KeyWorld()
        let key = world.ssh + "/id_ed25519"
        try FileManager.default.createDirectory(atPath: world.ssh, withIntermediateDirectories: true)
        try await world.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "original", "-f", key])
        let before = try #require(world.bytes(key))

        let renamed = try await world.apply(try world.load(
            "  - { type: ssh-key, path: ~/.ssh/id_ed25519, comment: renamed }\n"), backups: false)
        #expect(world.failure(renamed, "~/.ssh/id_ed25519") == "changing the comment of ~/.ssh/id_ed25519 rewrites the "
                + "key files, and tend keeps no backup without its state; tend did not change it")
        let deleted = try await world.apply(try world.load(
            "  - { type: ssh-key, path: ~/.ssh/id_ed25519, ensure: absent }\n"), backups: false)
        #expect(world.failure(deleted, "~/.ssh/id_ed25519")?.hasPrefix("tend deletes a private key only after keeping a backup") == true)
        #expect(world.bytes(key) == before)
        #expect(try String(contentsOfFile: key + ".pub", encoding: .utf8).hasSuffix(" original\n"))
    }

    @Test func aStrayPublicKeyIsKeptBeforeANewPairReplacesIt() async throws {
        let world = try KeyWorld()
        let stray = try world.home.write(".ssh/id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIEDoXR46uzPlt79arGdXDKF7LJwTKCDlfHCK3MoCaj4 stray\n")
        let config = try world.load("  - { type: ssh-key, path: ~/.ssh/id_ed25519, comment: fresh }\n")

        let refused = try await world.apply(config, backups: false)
        #expect(world.failure(refused, "~/.ssh/id_ed25519")?.hasPrefix(
            "~/.ssh/id_ed25519.pub exists without its private key, and tend keeps no backup") == true)
        #expect(try String(contentsOfFile: stray, encoding: .utf8).hasSuffix(" stray\n"))

        try await world.converge(config)
        #expect(try String(contentsOfFile: stray, encoding: .utf8).hasSuffix(" fresh\n"))
        let kept = try world.store.backups(for: world.address("~/.ssh/id_ed25519"))
        #expect(kept.map(\.path) == [stray])
    }
}

/// Runs `before` ahead of every command, then the real command: a way to change the host mid-apply.
private struct InterferingRunner: ProcessRunner {
    let base: any ProcessRunner
    let before: @Sendable (Command) -> Void

    func run(_ command: Command) async throws -> CommandResult {
        before(command)
        return try await base.run(command)
    }
}

@Suite struct SshKeyRaceTests {
    /// A key that appears between the check and ssh-keygen is not replaced: the new pair is made under another
    /// name and linked into place, which fails when the path is taken.
    @Test func aKeyThatAppearsWhileTendGeneratesOneIsKept() async throws {
        let home = try TemporaryHome()
        let path = home.path + "/.ssh/id_ed25519"
        let facts = home.facts()
        let runner = InterferingRunner(base: SystemProcessRunner(baseEnvironment: facts.environment)) { command in
            if command.arguments.first == "ssh-keygen" {
                FileManager.default.createFile(atPath: path, contents: Data("someone else's key\n".utf8))
            }
        }
        let host = Machine(facts: facts, runner: runner, isRoot: geteuid() == 0)
        let resource = ResourceSpec(address: Address(type: "ssh-key", key: "~/.ssh/id_ed25519"), type: "ssh-key",
                                    parameters: ["path": .string(path)],
                                    location: SourceLocation(file: home.path + "/tend.yaml", mark: .start))
        let change = ResourceChange(address: resource.address, type: "ssh-key", operation: .create, parameters: [],
                                    message: "", reason: "", dependsOn: [], fingerprint: "")
        let outcomes = await SshKeyResource().apply([ChangeRequest(change: change, resource: resource, observation: .absent())],
                                                    context: ApplyContext(host: host, backups: nil))
        let outcome = try #require(outcomes[resource.address])
        #expect(throws: ApplyFailure("~/.ssh/id_ed25519 exists; tend never overwrites a private key")) { try outcome.get() }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "someone else's key\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path + "/.ssh") == ["id_ed25519"])
    }
}
