import Foundation
import TendCore

/// The apply side shared by the alias, env and path types. A batch of their changes becomes one edit of tend's
/// managed profile (`ShellProfile`): read from `profile.sh`, changed, and written again as `profile.sh` and
/// `profile.fish`, atomically and with mode 0600 (values may be secrets). The user's shells load it through
/// tend's hooks in their startup files, which are resources of their own (`ShellHookResource`).
///
/// Invariants: writing the same profile twice changes nothing; every conflict is found before anything is written.
struct ProfileWriter {
    /// The lock group of the three profile types. The executor batches by type, so this is what keeps an alias
    /// batch and an env batch from reading and writing `profile.sh` at the same time.
    static let lockGroup = "tend-profile"
    /// One write serves the whole batch, so batches may be large.
    static let batchSize = 1000

    let host: Machine
    let backups: (any BackupKeeper)?
    let log: @Sendable (String) -> Void

    init(context: ApplyContext) {
        host = context.host
        backups = context.backups
        log = context.log
    }

    /// Applies a batch of alias or env changes: each sets or removes one `name` = `value` entry of `entries`.
    /// `problem` says why a name or value cannot be written; `written` hears of each entry set.
    static func applyNamedValues(_ requests: [ChangeRequest], context: ApplyContext, schema: TypeSchema,
                                 entries: WritableKeyPath<ShellProfile, [String: String]>,
                                 problem: (_ name: String, _ value: String) -> String?,
                                 written: (_ name: String) -> Void = { _ in }) -> ChangeOutcomes {
        apply(requests, context: context) { request, profile in
            let name = request.resource.parameters["name"]?.stringValue ?? request.address.key
            if request.operation == .destroy {
                profile[keyPath: entries][name] = nil
                return nil
            }
            let value = request.value("value", schema: schema)?.text ?? ""
            if let problem = problem(name, value) { return problem }
            profile[keyPath: entries][name] = value
            written(name)
            return nil
        }
    }

    /// Applies a batch of one profile type's changes. `edit` changes the profile for one request, or returns why
    /// it cannot (that request fails, the others go on). A release changes nothing: the entry stays as it is.
    static func apply(_ requests: [ChangeRequest], context: ApplyContext,
                      edit: (ChangeRequest, inout ShellProfile) -> String?) -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        let writer = ProfileWriter(context: context)
        var profile: ShellProfile
        do {
            profile = try writer.read()
        } catch {
            for request in requests { outcomes[request.address] = .failure(ApplyFailure(error: error)) }
            return outcomes
        }
        var accepted: [Address] = []
        for request in requests {
            if request.operation == .release {
                outcomes[request.address] = .success(ChangeResult())
                continue
            }
            if let problem = edit(request, &profile) {
                outcomes[request.address] = .failure(ApplyFailure(problem))
            } else {
                accepted.append(request.address)
            }
        }
        guard !accepted.isEmpty else { return outcomes }
        do {
            try ProfileFootprint.keepEdits(context: context, for: accepted[0])
            try writer.write(profile)
            for address in accepted { outcomes[address] = .success(ChangeResult(written: ProfileFootprint.tendsOwn)) }
        } catch {
            for address in accepted { outcomes[address] = .failure(ApplyFailure(error: error)) }
        }
        return outcomes
    }

    // MARK: Paths

    var profilePath: String { ShellProfile.path(for: host) }
    var fishProfilePath: String { ShellProfile.fishPath(for: host) }

    func shown(_ path: String) -> String { ResourcePaths.shown(path, host: host) }

    // MARK: Reading and writing

    /// The profile as `profile.sh` holds it; empty when there is none yet.
    func read() throws -> ShellProfile {
        guard let status = host.files.status(profilePath) else { return ShellProfile() }
        guard status.kind == .file else {
            throw ApplyFailure("\(shown(profilePath)) is \(ResourcePaths.noun(status.kind)); "
                + "tend will not replace it with its profile")
        }
        guard let bytes = host.files.read(profilePath) else {
            throw ResourcePaths.systemFailure("read", profilePath, host: host)
        }
        return ShellProfile.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Writes `profile`; with no entries left, removes the profile files (and any hook `ShellHookResource` left).
    /// The startup files that load it are the shell-hook resources' business.
    func write(_ profile: ShellProfile) throws {
        if profile.aliases.isEmpty && profile.environment.isEmpty && profile.pathEntries.isEmpty {
            try removeAll()
            return
        }
        let directory = PathNormalizer.directory(of: profilePath)
        try ResourcePaths.makeDirectories(directory, mode: 0o755, host: host)
        var changed = try writeIfDifferent(Array(profile.renderPOSIX().utf8), to: profilePath)
        changed = try writeIfDifferent(Array(profile.renderFish().utf8), to: fishProfilePath) || changed
        if changed {
            log("new shells pick up tend's aliases, environment and PATH; to load them into a running one: "
                + "source \(shown(profilePath)) (fish: source \(shown(fishProfilePath)))")
        }
    }

    /// Removes both profile files, and tend's hooks from startup files that are regular files: a hook the state
    /// never recorded (written by an older tend) is not an orphan the planner destroys, yet must not stay behind.
    /// Hooks behind links are left to their own resources, which know what the config manages.
    private func removeAll() throws {
        var removed: [String] = []
        for (path, shell) in ShellHookResource.startupFiles(host: host) {
            let file = ShellHookFile(path: path, shell: shell,
                                     profile: shell == .fish ? fishProfilePath : profilePath, host: host)
            guard host.files.status(path)?.kind == .file, let look = try? file.look(),
                  look.found == .intact || look.found == .edited else { continue }
            if look.found == .edited {
                let address = Address(type: ShellHookResource.hookSchema.name, key: PathNormalizer.addressForm(path, home: host.home))
                try file.keepEdited(look, for: address, context: ApplyContext(host: host, backups: backups, log: log))
            }
            if let bytes = file.withoutHook(look) {
                try file.write(bytes, over: look)
                removed.append("tend's block in \(shown(path))")
            } else {
                try file.remove(over: look)
                removed.append(shown(path))
            }
        }
        for path in [profilePath, fishProfilePath] {
            // Looked at and removed under one handle on its directory: what is deleted is what was checked.
            guard let (directory, name) = try ResourcePaths.openParent(of: path, host: host),
                  let status = directory.status(of: name) else { continue }
            guard status.kind == .file else {
                throw ApplyFailure("\(shown(path)) is \(ResourcePaths.noun(status.kind)); "
                    + "tend removes only the profile it wrote")
            }
            do {
                try directory.remove(name)
            } catch {
                throw ResourcePaths.failure(error, host: host)
            }
            removed.append(shown(path))
        }
        if !removed.isEmpty {
            log("tend manages no aliases, environment variables or PATH entries any more; removed "
                + removed.joined(separator: ", ") + ". Running shells keep them until they restart")
        }
    }

    /// Writes `bytes` with mode 0600 unless the file already holds exactly that; true when it wrote.
    private func writeIfDifferent(_ bytes: [UInt8], to path: String) throws -> Bool {
        // Looked at, compared and written under one handle on the directory: what is replaced is what was read.
        let (directory, name) = try ResourcePaths.makeParent(of: path, host: host)
        var owner = ResourcePaths.inheritedOwner(of: directory, host: host)
        if let status = directory.status(of: name) {
            guard status.kind == .file else {
                throw ApplyFailure("\(shown(path)) is \(ResourcePaths.noun(status.kind)); "
                    + "tend will not replace it with its profile")
            }
            if status.mode == 0o600, directory.read(name) == bytes { return false }
            if host.isRoot { owner = FileOwner(uid: status.uid, gid: status.gid) }
        }
        do {
            // The owner goes on the new file's descriptor before its rename, never by path after it.
            try directory.write(bytes, to: name, mode: 0o600, owner: owner)
        } catch {
            throw ApplyFailure("could not write \(shown(path)), which was left as it was: "
                + ((error as? FileAccessError)?.description(home: host.home) ?? "\(error)"))
        }
        return true
    }
}
