import Foundation
import TendCore

/// `git-clone`: a git repository cloned into a directory.
///
/// Refresh reads each clone in process, without git: `.git/HEAD` for the branch (or the commit of a detached
/// HEAD) and `.git/config` for `remote.origin.url`. A `.git` file (`gitdir: ...`, as worktrees and submodules
/// have) is followed. A directory that exists but is not a repository is present with a repository value no
/// URL can equal, so the plan replaces it and apply can refuse to clobber it; an empty directory is absent,
/// as `git clone` fills an empty directory.
public struct GitCloneResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.gitClone }

    /// The repository value of a directory that is not a clone: text that is not a URL, shown as is in a plan.
    public static let notARepository = "(not a git repository)"

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            guard let directory = resource.parameters["directory"]?.stringValue else { continue }
            observations[resource.address] = Self.inspect(directory: directory, files: host.files)
        }
        return observations
    }

    /// What is at `directory` (absolute): absent, a clone with its origin URL and branch, or something else.
    public static func inspect(directory: String, files: FileSystem) -> Observation {
        guard let status = files.status(directory) else { return .absent("does not exist") }
        guard status.kind == .directory || status.kind == .symlink else {
            return .present(["repository": .string(notARepository)], note: "exists and is not a directory")
        }
        guard let gitDirectory = gitDirectory(of: directory, files: files),
              let head = files.readText(gitDirectory + "/HEAD") else {
            if isEmptyDirectory(directory) { return .absent("is an empty directory") }
            return .present(["repository": .string(notARepository)], note: "exists but is not a git repository")
        }
        let commonDirectory = files.readText(gitDirectory + "/commondir").map {
            resolve($0.trimmingCharacters(in: .whitespacesAndNewlines), from: gitDirectory)
        } ?? gitDirectory
        var parameters: [String: Value] = [:]
        if let branch = branch(fromHead: head) { parameters["branch"] = .string(branch) }
        let configPath = commonDirectory + "/config"
        do {
            let config = try GitConfigFile(parsing: files.read(configPath) ?? [], path: configPath)
            guard let url = config.value(for: "remote.origin.url") else {
                return .present(parameters, note: "has no remote named origin")
            }
            parameters["repository"] = .string(url)
            return .present(parameters)
        } catch {
            parameters["repository"] = .string(notARepository)
            return .present(parameters, note: "\(error)")
        }
    }

    /// The repository's git directory: `DIR/.git`, or where a `.git` file's `gitdir:` line points.
    static func gitDirectory(of directory: String, files: FileSystem) -> String? {
        let dotGit = directory + "/.git"
        switch files.status(dotGit)?.kind {
        case nil:
            return nil
        case .file:
            guard let text = files.readText(dotGit),
                  let line = text.split(separator: "\n").first, line.hasPrefix("gitdir:") else { return nil }
            let target = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            return target.isEmpty ? nil : resolve(target, from: directory)
        default:
            return dotGit
        }
    }

    /// The branch HEAD names (`ref: refs/heads/main` gives `main`), another ref as written, or the commit
    /// of a detached HEAD, which equals a branch parameter only when the user asked for that very commit.
    static func branch(fromHead text: String) -> String? {
        let head = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if head.hasPrefix("ref:") {
            let ref = head.dropFirst(4).trimmingCharacters(in: .whitespaces)
            if ref.hasPrefix("refs/heads/") { return String(ref.dropFirst("refs/heads/".count)) }
            return ref.isEmpty ? nil : ref
        }
        return head.isEmpty ? nil : head
    }

    private static func resolve(_ path: String, from base: String) -> String {
        path.hasPrefix("/") ? PathNormalizer.standardize(path) : PathNormalizer.standardize(base + "/" + path)
    }

    private static func isEmptyDirectory(_ path: String) -> Bool {
        (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty ?? false
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let directory = resource.address.key
        let repository = resource.parameters["repository"]?.text ?? "(no repository)"
        switch operation {
        case .create:
            return "Clone \(repository) into \(directory)"
        case .modify:
            let branch = resource.parameters["branch"]?.text ?? "(default)"
            return "Switch \(directory) to branch \(branch)"
        case .recreate:
            if observation?.parameters["repository"]?.stringValue == Self.notARepository {
                let why = observation?.note ?? "exists but is not a git repository"
                return "Replace \(directory) with a clone of \(repository) (\(why))"
            }
            if changes.contains(where: { $0.name == "repository" }) {
                return "Re-clone \(directory) from \(repository) (repository changed)"
            }
            return "Re-clone \(directory) from \(repository)"
        case .destroy:
            return "Remove clone \(directory)"
        case .release:
            return "Stop managing clone \(directory) (left as it is)"
        }
    }
}
