import Foundation
import TendCore

/// Making links atomically (made under a temporary name beside the path, then renamed over it) and removing
/// them; what was at the path before is backed up first, and a directory with files in it is never replaced.
extension SymlinkResource {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        applyEach(requests) { request in
            try ResourcePaths.applyAtPath(request, context: context,
                                          put: { try link(request, path: $0, context: context); return ChangeResult() },
                                          remove: { try remove(request, path: $0, context: context) })
        }
    }

    private func link(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        let shown = ResourcePaths.shown(path, host: host)
        guard let targetValue = request.resource.parameters["target"]?.stringValue else {
            throw ApplyFailure("\(request.address) has no target")
        }
        // The loader made the target absolute; the link stores it so, which is what refresh reads back.
        let target = PathNormalizer.absolute(targetValue, home: host.home, base: request.resource.baseDirectory)
        let directory = PathNormalizer.directory(of: path)

        if let status = host.files.status(path) {
            switch status.kind {
            case .symlink:
                if let stored = host.files.readLink(path), ResourcePaths.linkTarget(stored, link: path) == target { return }
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "replace")
            case .file:
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "replace")
            case .directory:
                guard ResourcePaths.isEmptyDirectory(path) else {
                    throw ApplyFailure("\(shown) is a directory with files in it; tend will not replace it with a link")
                }
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "replace")
                try ResourcePaths.removeEmptyDirectory(path, replacement: "a link", host: host)
            case .other:
                throw ApplyFailure("\(shown) is \(ResourcePaths.noun(.other)); tend will not replace it with a link")
            }
        } else {
            try ResourcePaths.makeDirectories(directory, mode: 0o755, host: host)
        }

        let temporary = "\(directory)/.\(PathNormalizer.lastComponent(path)).tend-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard symlink(target, temporary) == 0 else {
            throw ResourcePaths.systemFailure("create a link beside", path, host: host)
        }
        if let owner = ResourcePaths.inheritedOwner(in: directory, host: host) {
            lchown(temporary, owner.uid, owner.gid)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ResourcePaths.systemFailure("put the link in place at", path, host: host, code: code)
        }
        ResourcePaths.syncDirectory(directory)
    }

    private func remove(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        if request.resource.ensure != .absent, try ResourcePaths.restoreOriginals(request, path: path, context: context) {
            return
        }
        guard let status = host.files.status(path) else { return }
        guard status.kind == .symlink else {
            throw ApplyFailure("\(ResourcePaths.shown(path, host: host)) is \(ResourcePaths.noun(status.kind)), "
                + "not a link; tend removes only the link it manages")
        }
        try ResourcePaths.keepOriginal(path, request: request, context: context, action: "delete")
        guard unlink(path) == 0 else { throw ResourcePaths.systemFailure("delete the link", path, host: host) }
        ResourcePaths.syncDirectory(PathNormalizer.directory(of: path))
    }
}
