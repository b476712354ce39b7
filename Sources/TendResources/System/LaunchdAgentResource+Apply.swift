import Foundation
import TendCore

/// Applying `launchd-agent`: the file by handle (`DirectoryHandle`: no link followed, a temporary name, a rename),
/// after rule 1 has kept what was there (`BackupKeeper.keep`); then launchctl, as argv. `bootout` of a job that is
/// not loaded fails, which is what a first load expects, so its failure is logged and not fatal; `bootstrap` must
/// succeed. A release goes through the backup keeper, which puts back a file tend replaced.
extension LaunchdAgentResource {
    public var lockGroup: String? { "launchd" }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            let label = Self.label(of: request.resource)
            do {
                if let problem = Self.labelProblem(label) { throw ApplyFailure(problem) }
                outcomes[request.address] = .success(try await apply(request, label: label, context: context))
            } catch {
                let failure = ApplyFailure(error: error)
                outcomes[request.address] = .failure(ApplyFailure("could not change launchd agent \(label): \(failure.message)",
                                                                  retryable: failure.retryable))
            }
        }
        return outcomes
    }

    private func apply(_ request: ChangeRequest, label: String, context: ApplyContext) async throws -> ChangeResult {
        let host = context.host
        let path = Self.path(of: request.resource, home: host.home)
        let domain = "gui/\(geteuid())"
        switch request.operation {
        case .create, .modify, .recreate:
            try context.backups?.keep(path: path, for: request.address)
            let (directory, name) = try DirectoryHandle.openParent(of: path, creatingMode: 0o755)
            try directory.write(Array(Self.document(for: request.resource).utf8), to: name, mode: 0o644)
            await bootout(domain + "/" + label, host: host, context: context)
            try await host.runner.run(Command(["launchctl", "bootstrap", domain, path], timeout: 60)).check()
            return ChangeResult(written: PathFootprint.of(path, files: host.files))
        case .destroy:
            await bootout(domain + "/" + label, host: host, context: context)
            try context.backups?.keep(path: path, for: request.address)
            if host.files.status(path) != nil {
                let (directory, name) = try DirectoryHandle.openParent(of: path)
                try directory.remove(name)
            }
            return ChangeResult()
        case .release:
            return ChangeResult()
        }
    }

    /// Unloads the job; a job that is not loaded is what a first load or a delete wants.
    private func bootout(_ target: String, host: Machine, context: ApplyContext) async {
        let result = try? await host.runner.run(Command(["launchctl", "bootout", target], timeout: 60))
        if let result, !result.succeeded {
            context.log("launchctl bootout \(target) exited \(result.status) (not loaded): \(GVariantText.trimmed(result.errorOutput))")
        }
    }
}
