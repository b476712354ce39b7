import TendCore

/// Placing fonts: every file of the batch first (fetched and checked before anything is placed), then one
/// `fc-cache` for the font directory, so that a config with twenty fonts rebuilds the cache once.
extension FontResource {
    public var batchSize: Int { 64 }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var placed: [Address: ChangeResult] = [:]
        let host = context.host
        for request in requests {
            do {
                let path = Self.path(of: request.resource, host: host)
                switch request.operation {
                case .release:
                    outcomes[request.address] = .success(ChangeResult())
                case .destroy:
                    try remove(request, path: path, context: context)
                    placed[request.address] = ChangeResult()
                case .create, .modify, .recreate:
                    if let problem = Self.valueProblems(request.resource).first { throw ApplyFailure(problem.message) }
                    let bytes: [UInt8]
                    if let source = try Self.sourceBytes(request.resource) {
                        bytes = source
                    } else {
                        let url = request.resource.parameters["url"]?.stringValue ?? ""
                        let pinned = request.resource.parameters["sha256"]?.stringValue.flatMap(HTTPFetch.normalizedDigest) ?? ""
                        bytes = try await HTTPFetch.fetch(url, sha256: pinned, sensitive: request.resource.isSensitive("url"),
                                                          host: host, what: "font \(request.address.key)")
                    }
                    try place(bytes, request: request, path: path, context: context)
                    placed[request.address] = ChangeResult(outputs: ["sha256": .string(SHA256.hex(HTTPFetch.digestBytes(bytes)))],
                                                           written: PathFootprint.of(path, files: host.files))
                }
            } catch {
                outcomes[request.address] = .failure(ApplyFailure(error: error))
            }
        }
        guard !placed.isEmpty else { return outcomes }
        // macOS finds fonts without a cache; elsewhere one without fontconfig has nothing to rebuild either.
        if host.facts.os != "macos" {
            do {
                let result = try await host.runner.run(Command(["fc-cache", "-f", "--", Self.directory(host: host)], timeout: 300))
                if !result.succeeded {
                    context.log("fc-cache exited with status \(result.status): \(result.tail())")
                }
            } catch CommandError.launchFailed {
                context.log("fc-cache is not installed; the fonts are in place and will be found once fontconfig is")
            } catch {
                context.log("fc-cache failed: \(error)")
            }
        }
        for (address, result) in placed { outcomes[address] = .success(result) }
        return outcomes
    }

    private func place(_ bytes: [UInt8], request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        let directory = try ResourcePaths.makeDirectories(Self.directory(host: host), mode: 0o755, host: host)
        let name = PathNormalizer.lastComponent(path)
        if let status = directory.status(of: name) {
            guard status.kind == .file || status.kind == .symlink else {
                throw ApplyFailure("\(ResourcePaths.shown(path, host: host)) is \(status.kind.noun); tend will not replace it with a font")
            }
            if status.kind == .file, directory.read(name) == bytes { return }
            try ResourcePaths.keepOriginal(path, request: request, context: context, action: "replace")
        }
        do {
            try directory.write(bytes, to: name, mode: 0o644, owner: ResourcePaths.inheritedOwner(of: directory, host: host))
        } catch {
            throw ResourcePaths.failure(error, host: host)
        }
    }

    private func remove(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        if request.resource.ensure != .absent, try ResourcePaths.restoreOriginals(request, path: path, context: context) {
            return
        }
        guard let (directory, name) = try ResourcePaths.openParent(of: path, host: context.host),
              let status = directory.status(of: name) else { return }
        guard status.kind == .file || status.kind == .symlink else {
            throw ApplyFailure("\(ResourcePaths.shown(path, host: context.host)) is \(status.kind.noun); tend will not remove it")
        }
        try ResourcePaths.keepOriginal(path, request: request, context: context, action: "delete")
        do {
            try directory.remove(name)
        } catch {
            throw ResourcePaths.failure(error, host: context.host)
        }
        directory.sync()
    }
}
