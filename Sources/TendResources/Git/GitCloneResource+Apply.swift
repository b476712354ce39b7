import Foundation
import TendCore

/// Applying `git-clone`, which never loses work that exists only in the clone.
///
/// - create: `git clone [--branch B] [--depth N] -- URL DIR` (git creates missing parents; `--` keeps a URL that
///   starts with `-` from reading as an option). A clone of URL already there only has its branch switched.
/// - modify (the branch): `git -C DIR checkout B --` when the branch exists locally, else
///   `git -C DIR fetch [--depth N] origin +refs/heads/B:refs/remotes/origin/B` and
///   `git -C DIR checkout -B B origin/B --`; refused while `git status --porcelain` lists anything.
/// - recreate (the repository changed): only when nothing would be lost: no changed or untracked files, and no
///   commit, stash or tag that no remote-tracking branch has (`git log --all --not --remotes`). The old
///   directory is renamed aside in its parent, the new clone made, and the old one deleted only once the clone
///   succeeded; a failed clone puts it back.
/// - destroy: the same checks, then the directory is deleted.
///
/// A path that exists and is not a clone is never replaced or deleted. Ignored files (build output) do not count
/// as work. Every git command runs with `GIT_TERMINAL_PROMPT=0`, so git fails rather than ask for a password.
extension GitCloneResource {
    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        await applyOneByOne(requests, failure: { Self.failure($1, request: $0) }) { try await apply($0, context: context) }
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async throws -> ChangeResult {
        guard let directory = request.resource.parameters["directory"]?.stringValue,
              let repository = request.resource.parameters["repository"]?.stringValue else {
            throw ApplyFailure("\(request.address) has no directory or repository")
        }
        let clone = Clone(directory: directory, label: request.address.key, host: context.host,
                          timeout: request.resource.timeout, log: context.log)
        let branch = request.resource.parameters["branch"]?.stringValue
        let depth = request.resource.parameters["depth"]?.intValue
        if let branch, branch.hasPrefix("-") || branch.isEmpty {
            throw ApplyFailure("'\(branch)' is not a branch name")
        }
        // What is there now, not what the plan saw: the host may have changed since.
        let current = Self.inspect(directory: directory, files: context.host.files)
        let origin = current.parameters["repository"]?.stringValue
        if current.exists, origin == Self.notARepository {
            throw ApplyFailure("\(clone.label) \(current.note ?? "exists but is not a git repository"); tend never "
                               + "replaces or deletes what it did not clone (move it away, or choose another directory)")
        }
        switch request.operation {
        case .create, .modify, .recreate:
            if !current.exists {
                try await clone.clone(repository, branch: branch, depth: depth)
            } else if origin == repository {
                if let branch, current.parameters["branch"]?.stringValue != branch {
                    try await clone.switchBranch(to: branch, depth: depth)
                }
            } else if request.operation == .recreate {
                try await clone.replace(with: repository, branch: branch, depth: depth, origin: origin)
            } else {
                throw ApplyFailure("\(clone.label) is a clone of \(origin ?? "a repository without an origin"), not of "
                                   + "\(repository); it changed since the plan (run tend plan again)")
            }
            // An empty repository has no commit yet.
            guard let commit = try await clone.commit() else { return ChangeResult() }
            return ChangeResult(outputs: ["commit": .string(commit)])
        case .destroy:
            guard current.exists else { return ChangeResult() }
            guard origin == repository else {
                throw ApplyFailure("\(clone.label) is a clone of \(origin ?? "a repository without an origin"), not of "
                                   + "\(repository); tend removes only the clone it manages")
            }
            if let work = try await clone.unsavedWork() {
                throw ApplyFailure("\(clone.label) \(work); tend never loses uncommitted work, so it did not remove it "
                                   + "(commit and push, or remove it yourself)")
            }
            do {
                // By handle, never following a link: as root in a user's home, a path-based rm -rf could be
                // steered into a directory the user swapped for a link to /etc.
                guard let (parent, name) = try ResourcePaths.openParent(of: directory, host: context.host) else {
                    return ChangeResult()
                }
                try parent.removeTree(name)
            } catch let error as FileAccessError {
                throw ApplyFailure("could not remove \(clone.label): \(error.description(home: context.host.home))")
            }
            return ChangeResult()
        case .release:
            return ChangeResult()
        }
    }

    /// Failures say what tend tried; network trouble that may pass (a time-out, a reset) is retryable.
    private static func failure(_ error: any Error, request: ChangeRequest) -> ApplyFailure {
        let what: String
        switch request.operation {
        case .create: what = "clone"
        case .modify: what = "switch the branch of"
        case .recreate: what = "re-clone"
        case .destroy: what = "remove"
        case .release: what = "release"
        }
        if let failure = error as? ApplyFailure {
            return ApplyFailure("could not \(what) \(request.address.key): \(failure.message)", retryable: failure.retryable)
        }
        var retryable = ApplyFailure(error: error).retryable
        if case .failed(let result)? = error as? CommandError {
            let text = result.errorOutput.lowercased()
            retryable = transientErrors.contains { text.contains($0) }
        }
        return ApplyFailure("could not \(what) \(request.address.key): \(error)", retryable: retryable)
    }

    /// What git prints when the network, not the request, is at fault.
    private static let transientErrors = [
        "could not resolve host", "connection timed out", "connection reset", "connection refused",
        "operation timed out", "early eof", "the remote end hung up unexpectedly", "rpc failed",
        "temporary failure in name resolution", "network is unreachable",
    ]
}

/// The git commands on one clone's directory.
private struct Clone {
    let directory: String
    /// The directory as the address shows it (`~/src/dotfiles`).
    let label: String
    let host: Machine
    /// The resource's timeout; network commands default to an hour, local ones to a minute.
    let timeout: Double?
    let log: @Sendable (String) -> Void

    var environment: [String: String] {
        var environment = GitConfigResource.gitEnvironment(host: host)
        environment["GIT_TERMINAL_PROMPT"] = "0"
        return environment
    }

    @discardableResult
    func git(_ arguments: [String], network: Bool = false, check: Bool = true) async throws -> CommandResult {
        let command = Command(["git"] + arguments, environment: environment,
                              timeout: timeout ?? (network ? 3600 : 60))
        let result = try await host.runner.run(command)
        return check ? try result.check() : result
    }

    func clone(_ repository: String, branch: String?, depth: Int?) async throws {
        var arguments = ["clone"]
        if let branch { arguments += ["--branch", branch] }
        if let depth { arguments += ["--depth", String(depth)] }
        try await git(arguments + ["--", repository, directory], network: true)
    }

    func switchBranch(to branch: String, depth: Int?) async throws {
        let status = try await git(["-C", directory, "status", "--porcelain"]).output
        if !status.isEmpty {
            throw ApplyFailure("\(label) has uncommitted changes (\(Self.summary(status))); tend switches branches "
                               + "only in a clean working tree (commit or stash them first)")
        }
        let local = try await git(["-C", directory, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch],
                                  check: false)
        if local.succeeded {
            try await git(["-C", directory, "checkout", branch, "--"])
            return
        }
        var fetch = ["-C", directory, "fetch"]
        if let depth { fetch += ["--depth", String(depth)] }
        // An explicit refspec: a single-branch clone (any --depth clone) fetches no other branch by default.
        try await git(fetch + ["origin", "+refs/heads/\(branch):refs/remotes/origin/\(branch)"], network: true)
        try await git(["-C", directory, "checkout", "-B", branch, "origin/" + branch, "--"])
    }

    /// Clones `repository` where the old clone was, keeping the old one aside until the new one is complete.
    func replace(with repository: String, branch: String?, depth: Int?, origin: String?) async throws {
        if let work = try await unsavedWork() {
            throw ApplyFailure("\(label) \(work); tend never loses uncommitted work, so it did not re-clone it from "
                               + "\(repository) (commit and push, or move the directory away)")
        }
        let (parent, name): (DirectoryHandle, String)
        do {
            guard let opened = try ResourcePaths.openParent(of: directory, host: host) else {
                throw ApplyFailure("\(label) vanished while tend worked on it; run tend again")
            }
            (parent, name) = opened
        }
        let aside = "." + name + ".tend-old-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        do {
            try parent.rename(name, to: aside)
        } catch {
            throw ApplyFailure("could not move \(label) aside to \(parent.pathOf(aside)): \(error)")
        }
        do {
            try await clone(repository, branch: branch, depth: depth)
        } catch {
            // git removes what a failed clone made; an empty directory left behind would block the rename.
            try? parent.removeDirectory(name)
            if (try? parent.rename(aside, to: name)) == nil {
                throw ApplyFailure("\(error)\nthe old clone could not be put back and is at \(parent.pathOf(aside))")
            }
            throw error
        }
        do {
            try parent.removeTree(aside)
        } catch {
            log("the old clone of \(label) could not be removed and is at \(parent.pathOf(aside)): \(error)")
        }
    }

    /// What only this clone holds, described ("has uncommitted changes (M a.txt)"); nil when nothing.
    func unsavedWork() async throws -> String? {
        let status = try await git(["-C", directory, "status", "--porcelain"]).output
        if !status.isEmpty { return "has uncommitted changes (\(Self.summary(status)))" }
        // Commits on branches, tags or the stash that no remote-tracking branch has.
        let commits = try await git(["-C", directory, "log", "--all", "--not", "--remotes", "--format=%h %s",
                                     "--max-count=4"]).output
        if !commits.isEmpty { return "has commits that were never pushed (\(Self.summary(commits)))" }
        return nil
    }

    /// The commit HEAD names; nil in a repository without commits.
    func commit() async throws -> String? {
        let result = try await git(["-C", directory, "rev-parse", "--verify", "--quiet", "HEAD"], check: false)
        guard result.succeeded else { return nil }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first lines of git's list, joined for one sentence.
    static func summary(_ lines: String) -> String {
        let all = lines.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let shown = all.prefix(3).joined(separator: ", ")
        return all.count > 3 ? shown + ", and more" : shown
    }
}
