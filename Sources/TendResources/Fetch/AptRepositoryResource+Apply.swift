import TendCore

/// Adding and removing repositories: each key fetched and its fingerprint checked with gpg in a private directory
/// before any file is written; both files written by handle (what was there and not tend's kept in backups
/// first); then one `apt-get update` for the whole batch.
extension AptRepositoryResource {
    public var batchSize: Int { 32 }
    public var lockGroup: String? { "dpkg" }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var changed: [Address: ChangeResult] = [:]
        for request in requests {
            do {
                guard context.host.isRoot else {
                    throw ApplyFailure("apt-repository writes /etc/apt, which needs root; run tend as root")
                }
                switch request.operation {
                case .release:
                    outcomes[request.address] = .success(ChangeResult())
                case .destroy:
                    try remove(request, context: context)
                    changed[request.address] = ChangeResult()
                case .create, .modify, .recreate:
                    changed[request.address] = try await add(request, context: context)
                }
            } catch {
                outcomes[request.address] = .failure(ApplyFailure(error: error))
            }
        }
        guard !changed.isEmpty else { return outcomes }
        // One index update for every repository this batch added, changed or removed.
        let update = Command(["apt-get", "update", "-q"], environment: ["DEBIAN_FRONTEND": "noninteractive"], timeout: 600,
                             privileged: true)
        var failure: ApplyFailure?
        do {
            let result = try await context.host.runner.run(update)
            // Other repositories' troubles (an offline mirror) are not these changes' to fail on.
            let mentions = requests.filter { changed[$0.address] != nil && $0.operation != .destroy }
                .flatMap { ($0.resource.parameters["uris"]?.listValue ?? []).map(\.text) + [Self.name(of: $0.resource) + ".sources"] }
            let complaints = (result.output + "\n" + result.errorOutput).split(separator: "\n")
                .filter { ($0.hasPrefix("W:") || $0.hasPrefix("E:") || $0.hasPrefix("Err:")) && mentions.contains(where: $0.contains) }
            if !result.succeeded || !complaints.isEmpty {
                failure = ApplyFailure("the repository files were written, but apt-get update did not accept them: "
                    + (complaints.isEmpty ? result.tail() : complaints.joined(separator: "\n")), retryable: false)
            }
        } catch {
            failure = ApplyFailure("the repository files were written, but apt-get update failed: \(error)")
        }
        for (address, result) in changed {
            outcomes[address] = failure.map { .failure($0) } ?? .success(result)
        }
        return outcomes
    }

    private func add(_ request: ChangeRequest, context: ApplyContext) async throws -> ChangeResult {
        let host = context.host
        let resource = request.resource
        if let problem = Self.valueProblems(resource).first { throw ApplyFailure(problem.message) }
        let name = Self.name(of: resource)
        guard let keyURL = resource.parameters["keyUrl"]?.stringValue,
              let pinned = resource.parameters["fingerprint"]?.stringValue.flatMap(AptSourcesFile.normalizedFingerprint) else {
            throw ApplyFailure("apt repository \(name) needs keyUrl and fingerprint")
        }
        let key = try await HTTPFetch.fetch(keyURL, sha256: nil, sensitive: resource.isSensitive("keyUrl"), host: host,
                                            what: "the key of apt repository \(name)")
        let keyring = try await KeyringCheck.dearmoredKey(key, fingerprint: pinned, url: keyURL, host: host)
        let sources = AptSourcesFile(
            uris: (resource.parameters["uris"]?.listValue ?? []).map(\.text),
            suites: (resource.parameters["suites"]?.listValue ?? []).map(\.text),
            components: (resource.parameters["components"]?.listValue ?? []).map(\.text),
            architectures: (resource.parameters["architectures"]?.listValue ?? []).map(\.text),
            signedBy: Self.keyringPath(name), keyringDigest: SHA256.hex(HTTPFetch.digestBytes(keyring)), fingerprint: pinned)
        let sourcesBytes = Array(sources.text.utf8)
        try keepUnlessTends(request, context: context)
        try place(keyring, at: Self.keyringPath(name), host: host)
        try place(sourcesBytes, at: Self.sourcesPath(name), host: host)
        return ChangeResult(outputs: ["fingerprint": .string(pinned)],
                            written: Self.footprint(sources: sourcesBytes, keyring: keyring))
    }

    private func place(_ bytes: [UInt8], at path: String, host: Machine) throws {
        let (directory, name) = try ResourcePaths.makeParent(of: path, host: host)
        if let status = directory.status(of: name), status.kind != .file, status.kind != .symlink {
            throw ApplyFailure("\(path) is \(status.kind.noun); tend will not replace it")
        }
        do {
            try directory.write(bytes, to: name, mode: 0o644, owner: FileOwner(uid: 0, gid: 0))
        } catch {
            throw ResourcePaths.failure(error, host: host)
        }
    }

    /// Rule 1 for both files: kept in backups unless they are exactly what tend last wrote.
    private func keepUnlessTends(_ request: ChangeRequest, context: ApplyContext) throws {
        let name = Self.name(of: request.resource)
        let paths = [Self.sourcesPath(name), Self.keyringPath(name)].filter { context.host.files.status($0) != nil }
        guard !paths.isEmpty else { return }
        guard let backups = context.backups else {
            throw ApplyFailure("\(paths[0]) exists and tend keeps no backup without its state; it was left as it is")
        }
        do {
            let last = try backups.lastWrite(request.address)
            if let last, backups.stored(footprint(of: request.resource, host: context.host)) == last.digest { return }
            for path in paths {
                try backups.keepAlways(path: path, for: request.address, reason: last == nil ? .original : .editedOutsideTend)
            }
        } catch {
            throw ApplyFailure("could not back up the files of apt repository \(name), so they were left as they are: \(error)")
        }
    }

    private func remove(_ request: ChangeRequest, context: ApplyContext) throws {
        let name = Self.name(of: request.resource)
        try keepUnlessTends(request, context: context)
        for path in [Self.sourcesPath(name), Self.keyringPath(name)] {
            guard let (directory, entry) = try ResourcePaths.openParent(of: path, host: context.host),
                  let status = directory.status(of: entry) else { continue }
            guard status.kind == .file || status.kind == .symlink else {
                throw ApplyFailure("\(path) is \(status.kind.noun); tend will not remove it")
            }
            do {
                try directory.remove(entry)
            } catch {
                throw ResourcePaths.failure(error, host: context.host)
            }
            directory.sync()
        }
    }
}
