import Foundation
import TendCore

/// Unpacking and removing an archive: fetched and checked, unpacked and checked in private, conflicts refused
/// before anything is placed, then placed entry by entry under directory handles; the manifest is written last.
extension ArchiveResource {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            do {
                let directory = ResourcePaths.absolute(request.resource, "directory", home: context.host.home)
                switch request.operation {
                case .release:
                    outcomes[request.address] = .success(ChangeResult())
                case .destroy:
                    try removeUnpacked(request, directory: directory, context: context)
                    outcomes[request.address] = .success(ChangeResult())
                case .create, .modify, .recreate:
                    outcomes[request.address] = .success(try await unpack(request, directory: directory, context: context))
                }
            } catch {
                outcomes[request.address] = .failure(ApplyFailure(error: error))
            }
        }
        return outcomes
    }

    private func unpack(_ request: ChangeRequest, directory: String, context: ApplyContext) async throws -> ChangeResult {
        let host = context.host
        let resource = request.resource
        guard let url = resource.parameters["url"]?.stringValue, let pinned = resource.parameters["sha256"]?.stringValue else {
            throw ApplyFailure("\(request.address) needs both url and sha256")
        }
        if let problem = Self.valueProblems(resource).first { throw ApplyFailure(problem.message) }
        guard let expected = HTTPFetch.normalizedDigest(pinned), let format = Self.format(of: resource) else {
            throw ApplyFailure("\(request.address) has no usable sha256 or format")
        }
        let sensitive = resource.isSensitive("url")
        let shown = ResourcePaths.shown(directory, host: host)
        let body = try await HTTPFetch.fetch(url, sha256: expected, sensitive: sensitive, host: host, what: shown)
        let extraction = try await ArchiveExtraction.unpack(body, format: format, strip: Self.strip(of: resource), host: host,
                                                            url: sensitive ? "(sensitive url)" : url)
        defer { extraction.discard() }
        let old = Self.manifest(in: directory, files: host.files)
        let previous = Dictionary((old?.entries ?? []).map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        try refuseConflicts(extraction.staged, directory: directory, host: host)

        let root = try ResourcePaths.makeDirectories(directory, mode: 0o755, host: host)
        let owner = ResourcePaths.inheritedOwner(of: root, host: host)
        var handles: [String: DirectoryHandle] = ["": root]
        var placed: [ArchiveEntry] = []
        do {
            for entry in extraction.staged {
                let parentPath = entry.path.contains("/") ? PathNormalizer.directory(of: "/" + entry.path).dropFirst() : ""
                guard let parent = handles[String(parentPath)] else {
                    throw ApplyFailure("\(shown)/\(entry.path) has no directory to go in (a bug in tend)")
                }
                let name = PathNormalizer.lastComponent(entry.path)
                let full = directory + "/" + entry.path
                let existing = parent.status(of: name)
                switch entry.kind {
                case .directory:
                    handles[entry.path] = existing?.kind == .directory
                        ? try parent.directory(name) : try parent.makeDirectory(name, mode: entry.mode, owner: owner)
                    placed.append(ArchiveEntry(path: entry.path, kind: .directory, mode: entry.mode))
                case .file:
                    guard let source = entry.source else { continue }
                    let bytes = try source.directory.read(source.name, limit: HTTPFetch.limit)
                    if existing != nil {
                        try keepIfUsers(full, root: directory, previous: previous[entry.path], replacement: bytes, request: request, context: context)
                    }
                    try parent.write(bytes, to: name, mode: entry.mode, owner: owner)
                    var info = stat()
                    guard lstat(full, &info) == 0 else { throw ResourcePaths.systemFailure("inspect", full, host: host) }
                    placed.append(ArchiveEntry(path: entry.path, kind: .file, mode: entry.mode,
                                               sha256: SHA256.hex(HTTPFetch.digestBytes(bytes)), size: Int(info.st_size),
                                               modified: ArchiveEntry.modified(info)))
                case .symlink:
                    let target = entry.target ?? ""
                    if existing?.kind != .symlink || parent.readLink(name) != target {
                        if existing != nil {
                            try keepIfUsers(full, root: directory, previous: previous[entry.path], replacement: nil, request: request, context: context)
                        }
                        try parent.makeSymlink(name, target: target, owner: owner)
                    }
                    placed.append(ArchiveEntry(path: entry.path, kind: .symlink, mode: 0o777, target: target))
                }
            }
        } catch let error as FileAccessError {
            throw ResourcePaths.failure(error, host: host)
        }
        // What the old archive had and the new one does not goes, where it is still tend's.
        let now = Set(placed.map(\.path))
        let kept = try removeEntries((old?.entries ?? []).filter { !now.contains($0.path) }, directory: directory, host: host)
        if kept > 0 { context.log("\(request.address): left \(kept) file(s) changed since tend unpacked them") }
        let manifest = ArchiveManifest(sha256: expected, stripComponents: Self.strip(of: resource), entries: placed)
        do {
            try root.write(manifest.encoded(), to: ArchiveManifest.name, mode: 0o644, owner: owner)
        } catch {
            throw ResourcePaths.failure(error, host: host)
        }
        return ChangeResult(outputs: ["sha256": .string(expected), "files": .int(placed.filter { $0.kind == .file }.count)])
    }

    /// Refuses, before anything is placed, an entry whose place holds something it cannot replace: a directory
    /// where a file or link goes, a file or link where a directory goes, a special file, or tend's manifest.
    private func refuseConflicts(_ staged: [ArchiveExtraction.Staged], directory: String, host: Machine) throws {
        if let status = host.files.status(directory), status.kind != .directory {
            throw ApplyFailure("\(ResourcePaths.shown(directory, host: host)) is \(status.kind.noun), not a directory; "
                + "tend will not unpack an archive there")
        }
        for entry in staged {
            let full = directory + "/" + entry.path
            let shown = ResourcePaths.shown(full, host: host)
            if entry.path == ArchiveManifest.name {
                throw ApplyFailure("the archive holds \(ArchiveManifest.name), the name of tend's own record; nothing was placed")
            }
            guard let status = host.files.status(full) else { continue }
            switch (entry.kind, status.kind) {
            case (_, .other):
                throw ApplyFailure("\(shown) is a special file; tend will not replace it; nothing was placed")
            case (.directory, .file), (.directory, .symlink):
                throw ApplyFailure("\(shown) is \(status.kind.noun) where the archive has a directory; move it away; "
                    + "nothing was placed")
            case (.file, .directory), (.symlink, .directory):
                throw ApplyFailure("\(shown) is a directory where the archive has a \(entry.kind.rawValue); move it away; "
                    + "nothing was placed")
            default:
                continue
            }
        }
    }

    /// Rule 1 for one entry tend is about to replace: kept in backups unless it is what tend unpacked there and
    /// unchanged since, or already holds the replacement's bytes.
    private func keepIfUsers(_ path: String, root: String, previous: ArchiveEntry?, replacement: [UInt8]?, request: ChangeRequest,
                             context: ApplyContext) throws {
        let files = context.host.files
        if let previous, previous.isUnchanged(root: root, files: files) == true { return }
        if let replacement, files.status(path)?.kind == .file, files.readEntry(path) == replacement { return }
        guard let backups = context.backups else {
            throw ApplyFailure("\(ResourcePaths.shown(path, host: context.host)) exists and tend keeps no backup without its "
                + "state; it did not replace it (apply with tend's state so that it can be kept)")
        }
        do {
            try backups.keepAlways(path: path, for: request.address, reason: previous == nil ? .original : .editedOutsideTend)
        } catch {
            throw ApplyFailure("could not back up \(ResourcePaths.shown(path, host: context.host)), so nothing more was placed: \(error)")
        }
    }

    /// Removes what tend unpacked into the directory and is still as it left it, then the manifest, then the
    /// directory itself when nothing else is in it.
    private func removeUnpacked(_ request: ChangeRequest, directory: String, context: ApplyContext) throws {
        let host = context.host
        guard let manifest = Self.manifest(in: directory, files: host.files) else { return }
        let kept = try removeEntries(manifest.entries, directory: directory, host: host)
        do {
            let (parent, name) = try DirectoryHandle.openParent(of: directory)
            let root = try parent.directory(name)
            try root.remove(ArchiveManifest.name)
            root.sync()
            if root.entryNames()?.isEmpty == true { try parent.removeDirectory(name) }
        } catch {
            throw ResourcePaths.failure(error, host: host)
        }
        if kept > 0 {
            context.log("\(request.address): left \(kept) file(s) in \(ResourcePaths.shown(directory, host: host)) "
                + "that changed since tend unpacked them")
        }
    }

    /// Deletes each entry that is still exactly as tend unpacked it, deepest first, and directories left empty;
    /// returns how many were left because they changed.
    private func removeEntries(_ entries: [ArchiveEntry], directory: String, host: Machine) throws -> Int {
        var kept = 0
        for entry in entries.sorted(by: { $0.path > $1.path }) {
            let full = directory + "/" + entry.path
            guard let unchanged = entry.isUnchanged(root: directory, files: host.files) else { continue }
            guard unchanged else {
                kept += 1
                continue
            }
            do {
                let (parent, name) = try DirectoryHandle.openParent(of: full)
                if entry.kind == .directory {
                    if parent.isEmptyDirectory(name) { try parent.removeDirectory(name) }
                } else {
                    try parent.remove(name)
                }
            } catch {
                throw ResourcePaths.failure(error, host: host)
            }
        }
        return kept
    }
}
