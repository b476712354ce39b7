import TendCore

/// Placing a download: fetched and checked first, so that a failed or wrong download leaves the path as it was;
/// written by handle like a `file`, what was there kept in backups first unless it is tend's own.
extension DownloadResource {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            do {
                let path = ResourcePaths.absolute(request.resource, "path", home: context.host.home)
                // The fetch is async, so it happens before the synchronous step that places the bytes.
                let bytes = request.operation == .create || request.operation == .modify || request.operation == .recreate
                    ? try await fetchIfNeeded(request, path: path, host: context.host) : nil
                outcomes[request.address] = .success(try ResourcePaths.applyAtPath(
                    request, context: context,
                    put: { try write(request, bytes: bytes, path: $0, context: context) },
                    remove: { try remove(request, path: $0, context: context) }))
            } catch {
                outcomes[request.address] = .failure(ApplyFailure(error: error))
            }
        }
        return outcomes
    }

    /// The checked body, or nil when the file there already holds it (only its mode changes).
    private func fetchIfNeeded(_ request: ChangeRequest, path: String, host: Machine) async throws -> [UInt8]? {
        guard let url = request.resource.parameters["url"]?.stringValue,
              let pinned = request.resource.parameters["sha256"]?.stringValue else {
            throw ApplyFailure("\(request.address) needs both url and sha256")
        }
        if let problem = HTTPFetch.urlProblem(url) { throw ApplyFailure(problem) }
        guard let expected = HTTPFetch.normalizedDigest(pinned) else {
            throw ApplyFailure(HTTPFetch.digestProblem(pinned) ?? "sha256 of \(request.address) is not a digest")
        }
        if let status = host.files.status(path), status.kind == .file, status.size <= HTTPFetch.limit,
           let current = host.files.readEntry(path), SHA256.hex(HTTPFetch.digestBytes(current)) == expected {
            return nil
        }
        return try await HTTPFetch.fetch(url, sha256: expected, sensitive: request.resource.isSensitive("url"),
                                         host: host, what: ResourcePaths.shown(path, host: host))
    }

    private func write(_ request: ChangeRequest, bytes: [UInt8]?, path: String, context: ApplyContext) throws -> ChangeResult {
        let host = context.host
        let shown = ResourcePaths.shown(path, host: host)
        let mode = request.resource.parameters["mode"].flatMap { FileMode($0.text)?.bits }
        let (directory, name) = try ResourcePaths.makeParent(of: path, host: host)
        var owner = ResourcePaths.inheritedOwner(of: directory, host: host)
        var newMode = mode ?? 0o644
        if let status = directory.status(of: name) {
            switch status.kind {
            case .file:
                guard let bytes else {
                    // Already the pinned bytes: only the mode changes, in place, after the original is kept.
                    if context.backups != nil {
                        try ResourcePaths.keepOriginal(path, request: request, context: context, action: "change")
                    }
                    if let mode, mode != status.mode {
                        try ResourcePaths.setAttributes(name, in: directory, mode: mode, owner: FileOwner(uid: nil, gid: nil),
                                                        request: request, host: host)
                    }
                    return outputs(request)
                }
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "overwrite")
                newMode = mode ?? status.mode
                if host.isRoot { owner = FileOwner(uid: status.uid, gid: status.gid) }
            case .symlink, .directory, .other:
                try ResourcePaths.makeWay(at: path, name: name, in: directory, kind: status.kind,
                                          replacement: "a download",
                                          directoryRefusal: "\(shown) is a directory; tend will not replace it with a download",
                                          request: request, context: context)
            }
        }
        guard let bytes else { throw ApplyFailure("\(shown) changed while tend downloaded it; run tend again") }
        do {
            try directory.write(bytes, to: name, mode: newMode, owner: owner)
        } catch {
            throw ApplyFailure("could not write \(shown), which was left as it was: \(ResourcePaths.failure(error, host: host))")
        }
        return outputs(request)
    }

    private func outputs(_ request: ChangeRequest) -> ChangeResult {
        let digest = request.resource.parameters["sha256"]?.stringValue.flatMap(HTTPFetch.normalizedDigest)
        return ChangeResult(outputs: digest.map { ["sha256": .string($0)] } ?? [:])
    }

    private func remove(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        // `ensure: absent` means gone; any other destroy undoes tend's work, the original put back.
        if request.resource.ensure != .absent, try ResourcePaths.restoreOriginals(request, path: path, context: context) {
            return
        }
        guard let (directory, name) = try ResourcePaths.openParent(of: path, host: host),
              let status = directory.status(of: name) else { return }
        let shown = ResourcePaths.shown(path, host: host)
        guard status.kind == .file || status.kind == .symlink else {
            throw ApplyFailure("\(shown) is \(ResourcePaths.noun(status.kind, at: path)), not a file; tend will not remove it")
        }
        try ResourcePaths.keepOriginal(path, request: request, context: context, action: "delete")
        do {
            try directory.remove(name)
        } catch {
            throw ResourcePaths.failure(error, host: host)
        }
        directory.sync()
    }
}
