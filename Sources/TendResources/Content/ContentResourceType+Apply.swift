import Foundation
import TendCore

/// Apply for content types: the requests of a batch grouped by file; each file is read once, every request's
/// edit is made to its text in turn, and the result is written once (see `ContentFile.write`).
///
/// Rule 1 per request, before its fragment is replaced or removed: a fragment that differs from what tend last
/// recorded for the resource was changed outside tend, so the whole file is kept in backups first; a fragment
/// that was there before tend managed the resource is kept as its original value, which a release puts back
/// only while the fragment is still exactly tend's.
extension ContentResourceType {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        let host = context.host
        var order: [String] = []
        var byPath: [String: [ChangeRequest]] = [:]
        for request in requests {
            let path = path(of: request.resource, home: host.home)
            if byPath[path] == nil { order.append(path) }
            byPath[path, default: []].append(request)
        }
        var outcomes: ChangeOutcomes = [:]
        for path in order {
            let group = byPath[path]!
            let shown = ResourcePaths.shown(path, host: host)
            let file: ContentFile
            do {
                file = try ContentFile.read(path, host: host)
            } catch {
                for request in group { outcomes[request.address] = .failure(failure(error, request)) }
                continue
            }
            var text = file.text
            var done: [(Address, ChangeResult, Backup?)] = []
            for request in group {
                do {
                    let (edited, result, putBack) = try edit(request, text: text, file: file, shownPath: shown,
                                                             context: context)
                    text = edited
                    done.append((request.address, result, putBack))
                } catch {
                    outcomes[request.address] = .failure(failure(error, request))
                }
            }
            do {
                if !text.utf8.elementsEqual(file.text.utf8) {
                    try file.write(text, newMode: newFileMode, directoryMode: newDirectoryMode, host: host)
                }
                for (address, result, putBack) in done {
                    if let putBack, let backups = context.backups {
                        try backups.discard(putBack)
                        context.log("\(address): put back the original")
                    }
                    outcomes[address] = .success(result)
                }
            } catch {
                for (address, _, _) in done {
                    outcomes[address] = .failure(ApplyFailure("could not edit \(shown): \(error)"))
                }
            }
        }
        return outcomes
    }

    /// One request's edit of `text`: the new text, the change's result, and the original it put back (to be
    /// forgotten once the file is written).
    private func edit(_ request: ChangeRequest, text: String, file: ContentFile, shownPath: String,
                      context: ApplyContext) throws -> (String, ChangeResult, Backup?) {
        let resource = request.resource
        let current = try fragment(of: resource, in: text, path: shownPath)
        switch request.operation {
        case .create, .modify, .recreate:
            let desired = try desiredFragment(of: resource)
            if current != desired { try keep(current, request: request, file: file, context: context) }
            let edited = try placing(resource, in: text, path: shownPath)
            return (edited, ChangeResult(written: PathFootprint.value(desired)), nil)
        case .destroy:
            try keep(current, request: request, file: file, context: context)
            return (try removing(resource, from: text, path: shownPath), ChangeResult(), nil)
        case .release:
            guard let backups = context.backups,
                  let original = try backups.originals(request.address).last(where: { $0.kind == .value }),
                  let last = try backups.lastWrite(request.address),
                  backups.stored(PathFootprint.value(current)) == last.digest else {
                return (text, ChangeResult(), nil)
            }
            guard let value = String(validating: try backups.contents(of: original), as: UTF8.self) else {
                throw ApplyFailure("the kept original of \(subject(of: resource)) is not text")
            }
            return (try restoring(value, for: resource, in: text, path: shownPath), ChangeResult(), original)
        }
    }

    /// Rule 1 before a fragment is replaced or removed (see the extension's summary).
    private func keep(_ current: String?, request: ChangeRequest, file: ContentFile, context: ApplyContext) throws {
        guard let current, let backups = context.backups else { return }
        if let last = try backups.lastWrite(request.address) {
            guard backups.stored(PathFootprint.value(current)) != last.digest else { return }
            try backups.keepAlways(path: file.destination, for: request.address, reason: .editedOutsideTend)
            context.log("kept \(ResourcePaths.shown(file.destination, host: context.host)) in the backups first: "
                + "\(subject(of: request.resource)) was edited outside tend ('tend backups' lists it)")
        } else {
            try backups.keepValue(current, label: subject(of: request.resource), for: request.address, reason: .original)
        }
    }

    private func failure(_ error: any Error, _ request: ChangeRequest) -> ApplyFailure {
        let verb = request.operation == .destroy ? "remove" : request.operation == .release ? "put back" : "set"
        return ApplyFailure("could not \(verb) \(subject(of: request.resource)): \(error)")
    }
}
