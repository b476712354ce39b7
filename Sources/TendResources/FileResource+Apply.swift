import Foundation
import TendCore

/// Writing and removing files: atomically (`AtomicFile`), never over something the user had without a backup,
/// never over a directory that holds anything.
extension FileResource {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        applyEach(requests) { request in
            try ResourcePaths.applyAtPath(request, context: context,
                                          put: { try write(request, path: $0, context: context) },
                                          remove: { try remove(request, path: $0, context: context) })
        }
    }

    /// The bytes the file must hold: `content` as UTF-8, or the `source` file's bytes.
    private func desiredBytes(_ request: ChangeRequest, host: Machine) throws -> [UInt8] {
        if let content = request.resource.parameters["content"]?.stringValue { return Array(content.utf8) }
        guard let source = request.resource.parameters["source"]?.stringValue else {
            throw ApplyFailure("\(request.address) has neither content nor source")
        }
        guard let bytes = host.files.read(source) else {
            let shown = ResourcePaths.shown(source, host: host)
            throw ApplyFailure(host.files.status(source) == nil
                ? "source \(shown) of \(request.address) does not exist"
                : "source \(shown) of \(request.address) cannot be read: \(String(cString: strerror(errno)))")
        }
        return bytes
    }

    private func write(_ request: ChangeRequest, path: String, context: ApplyContext) throws -> ChangeResult {
        let host = context.host
        let shown = ResourcePaths.shown(path, host: host)
        let bytes = try desiredBytes(request, host: host)
        let mode = request.resource.parameters["mode"].flatMap { FileMode($0.text)?.bits }
        let (uid, gid) = try ResourcePaths.requestedOwnership(request, host: host)
        let result = ChangeResult(outputs: ["sha256": .string(SHA256.digest(bytes))])
        // A new file made as root belongs to the owner of its directory unless the config names one.
        var owner: (uid: UInt32, gid: UInt32)?

        if let status = host.files.status(path) {
            switch status.kind {
            case .file:
                if host.files.read(path) == bytes {
                    // Same bytes: only attributes change, in place. The backup keeps the original mode and owner
                    // (rule 1 keeps nothing when the file is tend's own already).
                    if context.backups != nil {
                        try ResourcePaths.keepOriginal(path, request: request, context: context, action: "change")
                    }
                    if let mode, mode != status.mode {
                        try ResourcePaths.setMode(path, mode, host: host)
                    }
                    try ResourcePaths.applyOwnership(path, uid: uid, gid: gid, request: request, host: host)
                    return result
                }
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "overwrite")
                try atomicWrite(bytes, to: path, mode: mode ?? status.mode, host: host)
                // The new inode is tend's; give it back to whoever owned the file it replaces.
                if host.isRoot { owner = (status.uid, status.gid) }
            case .symlink:
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "replace")
                // The rename replaces the link itself, never what it points to.
                try atomicWrite(bytes, to: path, mode: mode ?? 0o644, host: host)
                owner = ResourcePaths.inheritedOwner(in: PathNormalizer.directory(of: path), host: host)
            case .directory:
                guard ResourcePaths.isEmptyDirectory(path) else {
                    throw ApplyFailure("\(shown) is a directory; tend will not replace it with a file")
                }
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "replace")
                try ResourcePaths.removeEmptyDirectory(path, replacement: "a file", host: host)
                try atomicWrite(bytes, to: path, mode: mode ?? 0o644, host: host)
                owner = ResourcePaths.inheritedOwner(in: PathNormalizer.directory(of: path), host: host)
            case .other:
                throw ApplyFailure("\(shown) is \(ResourcePaths.noun(.other)); tend will not replace it with a file")
            }
        } else {
            let directory = PathNormalizer.directory(of: path)
            try ResourcePaths.makeDirectories(directory, mode: 0o755, host: host)
            try atomicWrite(bytes, to: path, mode: mode ?? 0o644, host: host)
            owner = ResourcePaths.inheritedOwner(in: directory, host: host)
        }
        if let owner, uid == nil || gid == nil {
            chown(path, uid ?? owner.uid, gid ?? owner.gid)
        }
        try ResourcePaths.applyOwnership(path, uid: uid, gid: gid, request: request, host: host)
        return result
    }

    private func atomicWrite(_ bytes: [UInt8], to path: String, mode: Int, host: Machine) throws {
        do {
            try AtomicFile.write(bytes, to: path, mode: mode)
        } catch {
            throw ApplyFailure("could not write \(ResourcePaths.shown(path, host: host)), which was left as it was: \(error)")
        }
    }

    private func remove(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        // `ensure: absent` means gone; any other destroy (`tend destroy`) undoes tend's work, original included.
        if request.resource.ensure != .absent, try ResourcePaths.restoreOriginals(request, path: path, context: context) {
            return
        }
        guard let status = host.files.status(path) else { return }
        let shown = ResourcePaths.shown(path, host: host)
        switch status.kind {
        case .directory:
            throw ApplyFailure("\(shown) is a directory, not a file; tend will not remove it")
        case .other:
            throw ApplyFailure("\(shown) is \(ResourcePaths.noun(.other)), not a file; tend will not remove it")
        case .file, .symlink:
            try ResourcePaths.keepOriginal(path, request: request, context: context, action: "delete")
            guard unlink(path) == 0 else { throw ResourcePaths.systemFailure("delete", path, host: host) }
            ResourcePaths.syncDirectory(PathNormalizer.directory(of: path))
        }
    }
}
