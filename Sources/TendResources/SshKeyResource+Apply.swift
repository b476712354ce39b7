import Foundation
import TendCore

/// Applying `ssh-key`, which never overwrites a private key and never deletes one without a backup.
///
/// - create: `ssh-keygen -q -t TYPE [-b BITS] [-C COMMENT] -N "" -f DIR/.NAME.tend-new-XXXX` for a key without a
///   passphrase, then `link` to PATH and `rename` of the `.pub` (see below). A
///   passphrase never enters argv (which `ps` shows to every user, and tend logs): without `-N`, ssh-keygen asks
///   for it through `SSH_ASKPASS` (`SSH_ASKPASS_REQUIRE=force`), and the helper tend writes for the run, next to
///   the key and removed after it, answers with a line of its standard input, which is where tend puts the
///   passphrase. The pair is made under a temporary name in the key's directory and the private key linked into
///   place, which fails rather than replace a file. Missing parent directories are made with mode 0700. A file
///   at PATH fails the change; a stray `PATH.pub` is kept as a backup first (refused without one).
/// - modify (the comment): `ssh-keygen -c -C COMMENT -P "" -f PATH`, or with the passphrase through the helper.
///   ssh-keygen rewrites both files, so both are kept as backups first (refused without a backup keeper).
/// - recreate (another key type, or something that is not a key): always refused; tend never replaces a key.
/// - destroy: both files are kept as backups, then deleted (refused without a backup keeper). A key is kept by
///   default, so leaving the config releases it; only `ensure: absent`, `keep: false` or `tend destroy` delete.
///   What tend's create displaced (a stray `.pub`) stays in backups: `tend backups restore` puts it back.
///
/// Outputs: `publicKey` (the `.pub` line) and `fingerprint` (`SHA256:...`, as `ssh-keygen -l` prints it).
extension SshKeyResource {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            do {
                outcomes[request.address] = .success(try await apply(request, context: context))
            } catch let failure as ApplyFailure {
                outcomes[request.address] = .failure(failure)
            } catch {
                let verb: String
                switch request.operation {
                case .create, .recreate: verb = "generate key"
                case .modify: verb = "change the comment of key"
                case .destroy, .release: verb = "delete key"
                }
                outcomes[request.address] = .failure(ApplyFailure("could not \(verb) \(request.address.key): \(error)"))
            }
        }
        return outcomes
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async throws -> ChangeResult {
        guard let path = request.resource.parameters["path"]?.stringValue else {
            throw ApplyFailure("\(request.address) has no path")
        }
        let key = KeyFiles(path: path, label: request.address.key, host: context.host,
                           timeout: request.resource.timeout ?? 120)
        let passphrase = request.resource.parameters["passphrase"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if let passphrase, passphrase.contains(where: \.isNewline) {
            throw ApplyFailure("the passphrase of key \(key.label) contains a line break; ssh-keygen reads one line")
        }
        let comment = request.resource.parameters["comment"]?.stringValue
        if let comment, comment.contains(where: \.isNewline) {
            throw ApplyFailure("the comment of key \(key.label) contains a line break; a public key is one line")
        }
        switch request.operation {
        case .create:
            if let status = key.files.status(path) {
                let what = status.kind == .directory ? "exists and is a directory" : "exists"
                throw ApplyFailure("\(key.label) \(what); tend never overwrites a private key")
            }
            if key.files.exists(key.publicPath) {
                guard let backups = context.backups else {
                    throw ApplyFailure("\(key.label).pub exists without its private key, and tend keeps no backup "
                                       + "without its state; tend will not overwrite it (move it away)")
                }
                try backups.keep(path: key.publicPath, for: request.address)
            }
            try key.makeParentDirectory()
            let keyType = request.value("keyType", schema: schema)?.text ?? "ed25519"
            var arguments = ["ssh-keygen", "-q", "-t", keyType]
            if let bits = request.resource.parameters["bits"]?.intValue { arguments += ["-b", String(bits)] }
            if let comment { arguments += ["-C", comment] }
            if passphrase == nil { arguments += ["-N", ""] }
            // ssh-keygen makes the pair under a new name, so that it never asks whether to overwrite (reading the
            // answer from the standard input that carries the passphrase); link(2) then puts the private key in
            // place, and fails rather than replace a file that appeared since.
            let staging = key.directory + "/." + PathNormalizer.lastComponent(path) + ".tend-new-"
                + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            defer {
                unlink(staging)
                unlink(staging + ".pub")
            }
            // A new key asks for its passphrase twice.
            try await key.run(arguments + ["-f", staging], answers: passphrase.map { [$0, $0] })
            guard link(staging, path) == 0 else {
                if errno == EEXIST { throw ApplyFailure("\(key.label) exists; tend never overwrites a private key") }
                throw ApplyFailure("could not put the new key at \(key.label): \(String(cString: strerror(errno)))")
            }
            guard rename(staging + ".pub", key.publicPath) == 0 else {
                throw ApplyFailure("could not put the new public key at \(key.label).pub: \(String(cString: strerror(errno)))")
            }
            return try key.outputs()
        case .modify:
            guard key.files.status(path)?.kind == .file else {
                throw ApplyFailure("\(key.label) is not there any more; it changed since the plan (run tend plan again)")
            }
            guard let backups = context.backups else {
                throw ApplyFailure("changing the comment of \(key.label) rewrites the key files, and tend keeps no "
                                   + "backup without its state; tend did not change it")
            }
            try backups.keepAlways(path: path, for: request.address, reason: .replaced)
            try backups.keepAlways(path: key.publicPath, for: request.address, reason: .replaced)
            var arguments = ["ssh-keygen", "-c", "-C", comment ?? ""]
            if passphrase == nil { arguments += ["-P", ""] }
            try await key.run(arguments + ["-f", path], answers: passphrase.map { [$0] })
            return try key.outputs()
        case .recreate:
            let current = request.observation.parameters["keyType"]?.stringValue
            let what = current.map { $0 == Self.notAKey ? "is not a key file" : "holds a key of type \($0)" } ?? "exists"
            let keyType = request.value("keyType", schema: schema)?.text ?? "ed25519"
            throw ApplyFailure("\(key.label) \(what); tend never overwrites a private key (move it away yourself, "
                               + "and tend will generate a new \(keyType) key)")
        case .destroy:
            if key.files.status(path)?.kind == .directory {
                throw ApplyFailure("\(key.label) is a directory, not a key; tend did not delete it")
            }
            guard key.files.exists(path) || key.files.exists(key.publicPath) else { return ChangeResult() }
            guard let backups = context.backups else {
                throw ApplyFailure("tend deletes a private key only after keeping a backup of it, and keeps none "
                                   + "without its state; \(key.label) was not deleted")
            }
            try backups.keepAlways(path: path, for: request.address, reason: .replaced)
            try backups.keepAlways(path: key.publicPath, for: request.address, reason: .replaced)
            try key.remove(path)
            try key.remove(key.publicPath)
            return ChangeResult()
        case .release:
            return ChangeResult()
        }
    }
}

/// One key pair's files and the ssh-keygen runs on them.
private struct KeyFiles {
    let path: String
    /// The path as the address shows it (`~/.ssh/id_ed25519`).
    let label: String
    let host: Machine
    let timeout: Double

    var files: FileSystem { host.files }
    var publicPath: String { path + ".pub" }
    var directory: String { PathNormalizer.directory(of: path) }

    /// Makes the missing directories above the key, each with mode 0700 (as `~/.ssh` must be).
    func makeParentDirectory() throws {
        var missing: [String] = []
        var current = directory
        while current != "/" && current != "." && !files.exists(current) {
            missing.append(current)
            current = PathNormalizer.directory(of: current)
        }
        for directory in missing.reversed() {
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
                throw ApplyFailure("could not create \(directory): \(String(cString: strerror(errno)))")
            }
            chmod(directory, 0o700)
        }
    }

    /// Runs ssh-keygen; `answers` are passphrase lines for its prompts, given through the askpass helper.
    func run(_ arguments: [String], answers: [String]?) async throws {
        guard let answers else {
            try await host.runner.run(Command(arguments, timeout: timeout)).check()
            return
        }
        let helper = directory + "/.tend-askpass-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        // Answers one prompt with one line of standard input; a missing line makes ssh-keygen fail, not wait.
        let script = "#!/bin/sh\nIFS= read -r line || exit 1\nprintf '%s\\n' \"$line\"\n"
        try AtomicFile.write(Array(script.utf8), to: helper, mode: 0o700)
        defer { unlink(helper) }
        var environment = ["SSH_ASKPASS": helper, "SSH_ASKPASS_REQUIRE": "force"]
        // OpenSSH before 8.4 knows no SSH_ASKPASS_REQUIRE and uses the helper only when DISPLAY is set.
        if host.facts.environment["DISPLAY"] == nil { environment["DISPLAY"] = "none" }
        let input = Array(answers.map { $0 + "\n" }.joined().utf8)
        try await host.runner.run(Command(arguments, environment: environment, input: input, timeout: timeout)).check()
    }

    func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw ApplyFailure("could not delete \(PathNormalizer.addressForm(path, home: host.home)): "
                               + String(cString: strerror(errno)))
        }
    }

    /// `publicKey` and `fingerprint`, read from the `.pub` file ssh-keygen wrote.
    func outputs() throws -> ChangeResult {
        guard let text = files.readText(publicPath), let key = SshPublicKey(line: text) else {
            throw ApplyFailure("ssh-keygen did not leave a readable \(label).pub")
        }
        return ChangeResult(outputs: ["publicKey": .string(key.publicKeyLine), "fingerprint": .string(key.fingerprint)])
    }
}
