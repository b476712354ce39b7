import Foundation
import TendCore

/// Making directories (with their parents, mode, owner and group) and removing them only when empty: tend
/// never deletes a user's files.
extension DirectoryResource {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        applyEach(requests) { request in
            try ResourcePaths.applyAtPath(request, context: context,
                                          put: { path in
                                              try ensure(request, path: path, context: context)
                                              // Through a symlink, tend's work is the target's mode and owner.
                                              return ChangeResult(written: footprint(of: request.resource, host: context.host))
                                          },
                                          remove: { try remove(request, path: $0, context: context) })
        }
    }

    private func ensure(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        let shown = ResourcePaths.shown(path, host: host)
        let mode = request.resource.parameters["mode"].flatMap { FileMode($0.text)?.bits }
        let requested = try ResourcePaths.requestedOwnership(request, host: host)
        let (parent, name) = try ResourcePaths.makeParent(of: path, host: host)

        guard let status = parent.status(of: name) else {
            let owner = requested.filled(from: ResourcePaths.inheritedOwner(of: parent, host: host))
            do {
                // Made, then owner and mode set on its own handle: a link swapped in meanwhile is never followed.
                try parent.makeDirectory(name, mode: mode ?? 0o755, owner: owner.isEmpty ? nil : owner)
            } catch {
                throw ResourcePaths.failure(error, host: host, request: request)
            }
            return
        }
        let directory: DirectoryHandle
        switch status.kind {
        case .directory:
            do { directory = try parent.directory(name) } catch { throw ResourcePaths.failure(error, host: host) }
        case .symlink:
            // A symlink to a directory counts as the directory (refresh says so), and mode and owner go to its
            // target, but only when no other user could have made the link: else an error names link and target.
            do {
                directory = try DirectoryHandle.open(parent.pathOf(name))
            } catch FileAccessError.notADirectory, FileAccessError.system(_, _, ENOENT) {
                throw ApplyFailure("\(shown) is a symlink whose target is not a directory; "
                    + "tend will not replace it with a directory")
            } catch {
                throw ResourcePaths.failure(error, host: host, request: request)
            }
        case .file, .other:
            throw ApplyFailure("\(shown) is \(ResourcePaths.noun(status.kind)); tend will not replace it with a directory")
        }
        guard let found = directory.status() else { throw ResourcePaths.systemFailure("inspect", path, host: host) }
        let changesMode = mode.map { $0 != found.mode } ?? false
        let changesOwner = (requested.uid ?? found.uid) != found.uid || (requested.gid ?? found.gid) != found.gid
        guard changesMode || changesOwner else { return }
        if context.backups != nil {
            // Keeps the original mode and owner for when the resource leaves the config (nothing when the
            // directory is tend's own already), as the plan says; through a symlink they are the target's, so the
            // target's are kept. The bits are no user data, so without a state the change still goes ahead.
            let kept = status.kind == .symlink ? Self.attributesPath(path, files: host.files) : path
            guard let kept else {
                throw ApplyFailure("\(shown) is a symlink whose target could not be followed to a directory; "
                    + "tend did not change it")
            }
            try ResourcePaths.keepOriginal(kept, request: request, context: context, action: "change")
        }
        do {
            // Owner first: a chown clears setgid, so the mode asked for goes on after it.
            try directory.setAttributes(mode: mode, owner: requested)
        } catch {
            throw ResourcePaths.failure(error, host: host, request: request)
        }
    }

    private func remove(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        // A directory tend changed but did not make gets its mode back and stays, unless the config says absent.
        if request.resource.ensure != .absent, try ResourcePaths.restoreOriginals(request, path: path, context: context) {
            return
        }
        guard let (parent, name) = try ResourcePaths.openParent(of: path, host: host),
              let status = parent.status(of: name) else { return }
        let shown = ResourcePaths.shown(path, host: host)
        guard status.kind == .directory else {
            throw ApplyFailure("\(shown) is \(ResourcePaths.noun(status.kind)), not a directory; tend will not remove it")
        }
        // Only an empty directory goes, but a mode or owner set outside tend is still the user's (rule 1).
        if context.backups != nil, parent.isEmptyDirectory(name) {
            try ResourcePaths.keepOriginal(path, request: request, context: context, action: "remove")
        }
        do {
            try parent.removeDirectory(name)
        } catch let error as FileAccessError {
            if error.code == ENOTEMPTY || error.code == EEXIST {
                throw ApplyFailure("\(shown) is not empty; tend removes only empty directories and never deletes your files")
            }
            throw ResourcePaths.failure(error, host: host)
        }
        parent.sync()
    }
}
