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
        let (directory, name) = try ResourcePaths.makeParent(of: path, host: host)

        if let status = directory.status(of: name) {
            switch status.kind {
            case .symlink:
                if let stored = directory.readLink(name), ResourcePaths.linkTarget(stored, link: path) == target { return }
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "replace")
            case .file, .directory, .other:
                try ResourcePaths.makeWay(at: path, name: name, in: directory, kind: status.kind, replacement: "a link",
                                          directoryRefusal: "\(shown) is a directory with files in it; tend will not "
                                              + "replace it with a link",
                                          request: request, context: context)
            }
        }
        do {
            // Made under a temporary name, given its owner there, and renamed over whatever is at the path.
            try directory.makeSymlink(name, target: target, owner: ResourcePaths.inheritedOwner(of: directory, host: host))
        } catch {
            throw ResourcePaths.failure(error, host: host)
        }
    }

    private func remove(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        if request.resource.ensure != .absent, try ResourcePaths.restoreOriginals(request, path: path, context: context) {
            return
        }
        guard let (directory, name) = try ResourcePaths.openParent(of: path, host: host),
              let status = directory.status(of: name) else { return }
        guard status.kind == .symlink else {
            throw ApplyFailure("\(ResourcePaths.shown(path, host: host)) is \(ResourcePaths.noun(status.kind)), "
                + "not a link; tend removes only the link it manages")
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
