import Foundation
import TendCore

/// What stands where a file, link or directory should go and that apply will not replace: asked at plan
/// time (`ResourceType.planProblems`) so that the plan fails instead of promising a change apply refuses.
/// The sentences are the ones apply fails with.
extension ResourcePaths {
    /// The hint every obstacle shares: the user decides what happens to what is there.
    static let obstacleHint = "move or remove what is there yourself (tend never deletes your files), or choose another path"

    /// The plan's problems for a path resource that should be present: a symlink on the way that tend does not
    /// follow (and at the path itself when `includingLast`), else what `obstacle` finds there. A link apply
    /// would refuse fails the plan, rather than a create that apply cannot carry out.
    static func pathProblems(_ resource: ResourceSpec, host: Machine, includingLast: Bool,
                             obstacle: (String, Machine) -> String?) -> [ValueProblem] {
        let path = absolute(resource, "path", home: host.home)
        if let refused = refusedLink(on: path, includingLast: includingLast, host: host) {
            return [ValueProblem("path", refused)]
        }
        return obstacle(path, host).map { [ValueProblem("path", $0, hint: obstacleHint)] } ?? []
    }

    /// Why a file cannot be written at `path`: a directory with entries, or a special file.
    static func fileObstacle(at path: String, host: Machine) -> String? {
        guard let status = host.files.status(path) else { return nil }
        let shown = shown(path, host: host)
        switch status.kind {
        case .directory where !isEmptyDirectory(path):
            return "\(shown) is a directory; tend will not replace it with a file"
        case .other:
            return "\(shown) is \(noun(.other, at: path)); tend will not replace it with a file"
        default:
            return nil
        }
    }

    /// Why a link cannot be made at `path`: a directory with entries, or a special file.
    static func linkObstacle(at path: String, host: Machine) -> String? {
        guard let status = host.files.status(path) else { return nil }
        let shown = shown(path, host: host)
        switch status.kind {
        case .directory where !isEmptyDirectory(path):
            return "\(shown) is a directory with files in it; tend will not replace it with a link"
        case .other:
            return "\(shown) is \(noun(.other, at: path)); tend will not replace it with a link"
        default:
            return nil
        }
    }

    /// Why a directory cannot be at `path`: anything there that is not a directory, or a link to one.
    static func directoryObstacle(at path: String, host: Machine) -> String? {
        guard let status = host.files.status(path) else { return nil }
        if let found = followedStatus(path, files: host.files), found.kind == .directory { return nil }
        var what = noun(status.kind)
        if status.kind == .symlink { what += " whose target is not a directory" }
        return "\(shown(path, host: host)) is \(what); tend will not replace it with a directory"
    }
}

extension ResourcePaths {
    /// The refusal apply would meet on the way to `path`: a symlink that `DirectoryHandle` does not follow
    /// because another user could have made it, named with its target. `includingLast` also follows a link at
    /// `path` itself (a directory resource works on the link's target; a file or link replaces it). Nil when the
    /// way is open or ends at something missing (apply makes it).
    static func refusedLink(on path: String, includingLast: Bool, host: Machine) -> String? {
        do {
            if includingLast {
                _ = try DirectoryHandle.open(PathNormalizer.standardize(path))
            } else {
                _ = try DirectoryHandle.openParent(of: path)
            }
        } catch let error as FileAccessError {
            if case .untrustedLink = error { return error.description(home: host.home) }
        } catch {}
        return nil
    }

    /// True when `path` is a directory without entries; a plan-time read only, apply decides again by handle.
    fileprivate static func isEmptyDirectory(_ path: String) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return false }
        return entries.isEmpty
    }
}
