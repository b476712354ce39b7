import Foundation
import TendCore

/// Applying `ssh-key`, which never overwrites a private key and never deletes one without a backup.
///
/// - create: `ssh-keygen -q -t TYPE [-b BITS] [-C COMMENT] -N "" -f DIR/.NAME.tend-new-XXXX` for a key without a
///   passphrase, then `link` to PATH and `rename` of the `.pub` (see below). A
///   passphrase never enters argv (which `ps` shows to every user, and tend logs): without `-N`, ssh-keygen asks
///   for it through `SSH_ASKPASS` (`SSH_ASKPASS_REQUIRE=force`), and the helper tend writes for the run, in a
///   private directory of its own (`PrivateDirectory`) and removed after it, answers with a line of its standard
///   input, which is where tend puts the passphrase. The pair is made in that private directory and moved into
///   the key's directory by handle, the private key linked into place, which fails rather than replace a file. Missing parent directories are made with mode 0700. A file
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
            let directory = try key.makeParentDirectory()
            let keyType = request.value("keyType", schema: schema)?.text ?? "ed25519"
            var arguments = ["ssh-keygen", "-q", "-t", keyType]
            if let bits = request.resource.parameters["bits"]?.intValue { arguments += ["-b", String(bits)] }
            if let comment { arguments += ["-C", comment] }
            if passphrase == nil { arguments += ["-N", ""] }
            // ssh-keygen writes the pair in a private directory of tend's: it opens its output files by path and
            // follows links, so in a directory another user can write it could be made to write elsewhere. The
            // files are then moved in by handle; the private key is linked into place, which fails rather than
            // replace a file that appeared since.
            let workspace = try key.workspace()
            defer { workspace.remove() }
            // A new key asks for its passphrase twice.
            try await key.run(arguments + ["-f", workspace.path + "/key"], answers: passphrase.map { [$0, $0] },
                              workspace: workspace)
            try key.install(from: workspace, into: directory, replacing: false)
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
            // ssh-keygen rewrites the files by path: it works on copies in tend's private directory, and the
            // results replace the originals by handle.
            let directory = try key.openParentDirectory()
            let workspace = try key.workspace()
            defer { workspace.remove() }
            try key.copy(from: directory, into: workspace)
            try await key.run(arguments + ["-f", workspace.path + "/key"], answers: passphrase.map { [$0] },
                              workspace: workspace)
            try key.install(from: workspace, into: directory, replacing: true)
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

    var name: String { PathNormalizer.lastComponent(path) }

    /// Opens the key's directory, making the missing ones above the key with mode 0700 (as `~/.ssh` must be);
    /// a symlink on the way is followed only when no other user could have made it.
    func makeParentDirectory() throws -> DirectoryHandle {
        do {
            return try DirectoryHandle.open(directory, creatingMode: 0o700)
        } catch let error as FileAccessError {
            throw ApplyFailure("could not create the directory of \(label): \(error.description(home: host.home))")
        }
    }

    /// Opens the key's directory, which must exist.
    func openParentDirectory() throws -> DirectoryHandle {
        do {
            return try DirectoryHandle.open(directory)
        } catch let error as FileAccessError {
            throw ApplyFailure("could not open the directory of \(label): \(error.description(home: host.home))")
        }
    }

    /// A directory only tend's user can enter, for ssh-keygen's files and the askpass helper.
    func workspace() throws -> PrivateDirectory {
        do {
            return try PrivateDirectory.make(purpose: "ssh-keygen", environment: host.facts.environment,
                                             fallback: host.stateHome + "/tend/run", executable: true)
        } catch let error as FileAccessError {
            throw ApplyFailure("could not make a private directory for ssh-keygen: \(error.description(home: host.home))")
        }
    }

    /// Copies the pair into the workspace as `key` and `key.pub`, read by handle without following a link.
    func copy(from directory: DirectoryHandle, into workspace: PrivateDirectory) throws {
        for (source, copy) in [(name, "key"), (name + ".pub", "key.pub")] {
            // ssh-keygen writes a missing public key anew.
            if copy == "key.pub" && directory.status(of: source) == nil { continue }
            guard let bytes = directory.read(source) else {
                throw ApplyFailure("could not read \(label)\(source == name ? "" : ".pub"): it is not a regular file "
                                   + "tend can read")
            }
            do {
                try workspace.handle.write(bytes, to: copy, mode: 0o600)
            } catch {
                throw ApplyFailure("could not copy \(label) to a private directory: \(error)")
            }
        }
    }

    /// Moves the pair ssh-keygen wrote in the workspace into the key's directory by handle, with the mode
    /// ssh-keygen gave each file and, as root, the owner of what it replaces or of the directory. A new private
    /// key never replaces anything.
    func install(from workspace: PrivateDirectory, into directory: DirectoryHandle, replacing: Bool) throws {
        for (made, target) in [("key", name), ("key.pub", name + ".pub")] {
            let shown = label + (made == "key" ? "" : ".pub")
            guard let bytes = workspace.handle.read(made), let status = workspace.handle.status(of: made) else {
                throw ApplyFailure("ssh-keygen did not leave a readable \(shown)")
            }
            var owner = host.isRoot ? directory.owner : nil
            var mode = status.mode
            if replacing, let current = directory.status(of: target), current.kind == .file {
                mode = current.mode
                if host.isRoot { owner = FileOwner(uid: current.uid, gid: current.gid) }
            }
            do {
                if made == "key" && !replacing {
                    try directory.writeExclusively(bytes, to: target, mode: mode, owner: owner)
                } else {
                    try directory.write(bytes, to: target, mode: mode, owner: owner)
                }
            } catch let error as FileAccessError where error.code == EEXIST {
                throw ApplyFailure("\(label) exists; tend never overwrites a private key")
            } catch let error as FileAccessError {
                throw ApplyFailure("could not put the key at \(shown): \(error.description(home: host.home))")
            }
        }
    }

    /// Runs ssh-keygen; `answers` are passphrase lines for its prompts, given through an askpass helper in the
    /// private workspace that reads them from its standard input: the helper holds no secret, and no other user
    /// can replace it between its writing and its running.
    func run(_ arguments: [String], answers: [String]?, workspace: PrivateDirectory) async throws {
        guard let answers else {
            try await host.runner.run(Command(arguments, timeout: timeout)).check()
            return
        }
        // Answers one prompt with one line of standard input; a missing line makes ssh-keygen fail, not wait.
        let script = "#!/bin/sh\nIFS= read -r line || exit 1\nprintf '%s\\n' \"$line\"\n"
        do {
            try workspace.handle.write(Array(script.utf8), to: "askpass", mode: 0o700)
        } catch {
            throw ApplyFailure("could not write ssh-keygen's askpass helper: \(error)")
        }
        var environment = ["SSH_ASKPASS": workspace.path + "/askpass", "SSH_ASKPASS_REQUIRE": "force"]
        // OpenSSH before 8.4 knows no SSH_ASKPASS_REQUIRE and uses the helper only when DISPLAY is set.
        if host.facts.environment["DISPLAY"] == nil { environment["DISPLAY"] = "none" }
        let input = Array(answers.map { $0 + "\n" }.joined().utf8)
        try await host.runner.run(Command(arguments, environment: environment, input: input, timeout: timeout)).check()
    }

    /// Deletes the entry under a handle on its directory (a link there is removed, never followed).
    func remove(_ path: String) throws {
        do {
            guard let (directory, name) = try ResourcePaths.openParent(of: path, host: host) else { return }
            try directory.remove(name)
        } catch let error as FileAccessError where error.code == ENOENT {
            return
        } catch let error as FileAccessError {
            throw ApplyFailure("could not delete \(PathNormalizer.addressForm(path, home: host.home)): "
                               + error.description(home: host.home))
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
