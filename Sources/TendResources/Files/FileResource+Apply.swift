import Foundation
import TendCore

/// Writing and removing files: atomically (`DirectoryHandle.write`), never over something the user had without a backup,
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
        do {
            return try RegularFileReader.read(source, limit: RegularFileReader.sourceLimit)
        } catch {
            throw ApplyFailure("source " + error.showing("\(ResourcePaths.shown(source, host: host)) of \(request.address)").description)
        }
    }

    private func write(_ request: ChangeRequest, path: String, context: ApplyContext) throws -> ChangeResult {
        let host = context.host
        let shown = ResourcePaths.shown(path, host: host)
        let bytes = try desiredBytes(request, host: host)
        let mode = request.resource.parameters["mode"].flatMap { FileMode($0.text)?.bits }
        let requested = try ResourcePaths.requestedOwnership(request, host: host)
        // A bare SHA-256 of sensitive content would let anyone who reads the state test guesses of it.
        let sensitive = request.resource.isSensitive("content") || request.resource.isSensitive("source")
        let result = ChangeResult(outputs: sensitive ? [:] : ["sha256": .string(SHA256.digest(bytes))])
        // Everything below happens under this handle: a directory swapped for a link after this point is
        // never followed, and nothing is changed by path.
        let (directory, name) = try ResourcePaths.makeParent(of: path, host: host)
        // A new file made as root belongs to the owner of what it replaces, else of its directory, unless the
        // config names one.
        var inherited = ResourcePaths.inheritedOwner(of: directory, host: host)
        var newMode = mode ?? 0o644

        if let status = directory.status(of: name) {
            switch status.kind {
            case .file:
                if directory.read(name) == bytes {
                    // Same bytes: only attributes change, in place. The backup keeps the original mode and owner
                    // (rule 1 keeps nothing when the file is tend's own already).
                    let changesMode = mode.map { $0 != status.mode } ?? false
                    if context.backups != nil {
                        try ResourcePaths.keepOriginal(path, request: request, context: context, action: "change")
                    }
                    let changesOwner = (requested.uid ?? status.uid) != status.uid || (requested.gid ?? status.gid) != status.gid
                    // A chown clears setuid and setgid, so a mode the config asks for is set again after one.
                    try ResourcePaths.setAttributes(name, in: directory, mode: changesMode || changesOwner ? mode : nil,
                                                    owner: requested, request: request, host: host)
                    return result
                }
                try ResourcePaths.keepOriginal(path, request: request, context: context, action: "overwrite")
                newMode = mode ?? status.mode
                // The new inode is tend's; give it to whoever owned the file it replaces.
                if host.isRoot { inherited = FileOwner(uid: status.uid, gid: status.gid) }
            case .symlink, .directory, .other:
                try ResourcePaths.makeWay(at: path, name: name, in: directory, kind: status.kind, replacement: "a file",
                                          directoryRefusal: "\(shown) is a directory; tend will not replace it with a file",
                                          request: request, context: context)
            }
        }
        let owner = requested.filled(from: inherited)
        do {
            // Owner, then mode, on the temporary's descriptor before the rename: nothing is chowned by path after.
            try directory.write(bytes, to: name, mode: newMode, owner: owner.isEmpty ? nil : owner)
        } catch let error as FileAccessError {
            if case .ownership = error { throw ResourcePaths.failure(error, host: host, request: request) }
            throw ApplyFailure("could not write \(shown), which was left as it was: \(error.description(home: host.home))")
        }
        return result
    }

    private func remove(_ request: ChangeRequest, path: String, context: ApplyContext) throws {
        let host = context.host
        // `ensure: absent` means gone; any other destroy (`tend destroy`) undoes tend's work, original included.
        if request.resource.ensure != .absent, try ResourcePaths.restoreOriginals(request, path: path, context: context) {
            return
        }
        guard let (directory, name) = try ResourcePaths.openParent(of: path, host: host),
              let status = directory.status(of: name) else { return }
        let shown = ResourcePaths.shown(path, host: host)
        switch status.kind {
        case .directory:
            throw ApplyFailure("\(shown) is a directory, not a file; tend will not remove it")
        case .other:
            throw ApplyFailure("\(shown) is \(ResourcePaths.noun(.other, at: path)), not a file; tend will not remove it")
        case .file, .symlink:
            try ResourcePaths.keepOriginal(path, request: request, context: context, action: "delete")
            do {
                try directory.remove(name)
            } catch {
                throw ResourcePaths.failure(error, host: host)
            }
            directory.sync()
        }
    }
}
