import Foundation
import TendCore

/// Making directories (with their parents, mode, owner and group) and removing them only when empty: tend
/// never deletes a user's files.
extension DirectoryResource {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        applyEach(requests) { request in
            try ResourcePaths.applyAtPath(request, context: context,
                                          put: { try ensure(request, path: $0, context: context); return ChangeResult() },
                                          remove: { try remove(request, path: $0, context: context) })
        }
    }

    private func ensure(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        let shown = ResourcePaths.shown(path, host: host)
        let mode = request.resource.parameters["mode"].flatMap { FileMode($0.text)?.bits }
        let (uid, gid) = try ResourcePaths.requestedOwnership(request, host: host)

        if let status = host.files.status(path) {
            // A symlink to a directory counts as the directory (refresh says so); mode and owner go to the target.
            guard let found = ResourcePaths.followedStatus(path, files: host.files), found.kind == .directory else {
                var what = ResourcePaths.noun(status.kind)
                if status.kind == .symlink { what += " whose target is not a directory" }
                throw ApplyFailure("\(shown) is \(what); tend will not replace it with a directory")
            }
            // Keeps the original mode and owner for when the resource leaves the config (nothing when the
            // directory is tend's own already); the bits are no user data, so without a state the change still
            // goes ahead.
            if context.backups != nil, status.kind == .directory {
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "change")
            }
            if let mode, mode != found.mode {
                try ResourcePaths.setMode(path, mode, host: host)
            }
        } else {
            let parent = PathNormalizer.directory(of: path)
            try ResourcePaths.makeDirectories(parent, mode: 0o755, host: host)
            guard mkdir(path, 0o700) == 0 else { throw ResourcePaths.systemFailure("create directory", path, host: host) }
            try ResourcePaths.setMode(path, mode ?? 0o755, host: host)
            if let owner = ResourcePaths.inheritedOwner(in: parent, host: host), uid == nil || gid == nil {
                chown(path, uid ?? owner.uid, gid ?? owner.gid)
            }
        }
        try ResourcePaths.applyOwnership(path, uid: uid, gid: gid, request: request, host: host)
    }

    private func remove(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        // A directory tend changed but did not make gets its mode back and stays, unless the config says absent.
        if request.resource.ensure != .absent, try ResourcePaths.restoreOriginals(request, path: path, context: context) {
            return
        }
        guard let status = host.files.status(path) else { return }
        let shown = ResourcePaths.shown(path, host: host)
        guard status.kind == .directory else {
            throw ApplyFailure("\(shown) is \(ResourcePaths.noun(status.kind)), not a directory; tend will not remove it")
        }
        // Only an empty directory goes, but a mode or owner set outside tend is still the user's (rule 1).
        if context.backups != nil, ResourcePaths.isEmptyDirectory(path) {
            try ResourcePaths.keepOriginal(path, request: request, context: context, action: "remove")
        }
        guard rmdir(path) == 0 else {
            let code = errno
            if code == ENOTEMPTY || code == EEXIST {
                throw ApplyFailure("\(shown) is not empty; tend removes only empty directories and never deletes your files")
            }
            throw ResourcePaths.systemFailure("remove directory", path, host: host, code: code)
        }
        ResourcePaths.syncDirectory(PathNormalizer.directory(of: path))
    }
}
