import Foundation
import TendCore

/// Each hook is one startup file, looked at again just before it is written: the block goes in or out, every
/// other byte stays, an edited block is kept in the backups first, and a link stays a link.
extension ShellHookResource {
    /// Shared with the profile types: a startup file is never edited by two changes at once.
    public var lockGroup: String? { ProfileWriter.lockGroup }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        applyEach(requests) { request in
            let file = ShellHookFile(request.resource, host: context.host)
            let look: ShellHookFile.Look
            do {
                look = try file.look()
            } catch let problem as ShellHookFile.Problem {
                throw ApplyFailure(problem.description)
            }
            switch request.operation {
            case .release:
                return ChangeResult()
            case .create, .modify, .recreate:
                if let protectedBy = look.protectedBy {
                    guard look.found == .sourcedByUser || look.found == .intact else { throw ApplyFailure(protectedBy) }
                    return ChangeResult()
                }
                guard look.found != .intact, look.found != .sourcedByUser else { return ChangeResult() }
                guard let bytes = file.withHook(look) else {
                    throw ApplyFailure("\(file.shown(file.path)) has a '\(ShellHookFile.blockStart)' line without a "
                        + "'\(ShellHookFile.blockEnd)' line after it; tend will not edit it until one of them is fixed by hand")
                }
                try file.keepEdited(look, for: request.address, context: context)
                try file.write(bytes, over: look)
                context.log("added tend's block to \(file.shown(file.path))"
                    + (look.viaLink ? " (in \(file.shown(look.destination)), the file it links to)" : ""))
            case .destroy:
                // A protected file holds the user's own line, not tend's block: nothing of tend's to take out.
                guard look.protectedBy == nil, look.found == .intact || look.found == .edited else { return ChangeResult() }
                try file.keepEdited(look, for: request.address, context: context)
                if let bytes = file.withoutHook(look) {
                    try file.write(bytes, over: look)
                } else {
                    try file.remove(over: look)
                }
                context.log("removed tend's block from \(file.shown(file.path))")
            }
            return ChangeResult()
        }
    }
}
