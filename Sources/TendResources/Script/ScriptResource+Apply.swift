import Foundation
import TendCore

/// Applying `script`: runs the user's own shell text as written, `SHELL -c TEXT`, in the directory of the config
/// file that declared it, with the resource's `environment` added, for at most its `timeout` (10 minutes by
/// default). create runs `create`; modify runs `modify`, else `create`; recreate runs `destroy` (when there is
/// one) and then `create`; destroy runs `destroy`, and fails when there is none. A non-zero exit or a time-out
/// fails the change with the output's tail and is not retried (the text may not be safe to run twice); the
/// executor then runs `check` again to verify.
extension ScriptResource {
    /// Seconds a create, modify or destroy text may run when the resource sets no `timeout`.
    public static let defaultApplyTimeout: Double = 600

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            do {
                try await apply(request, host: context.host)
                outcomes[request.address] = .success(ChangeResult())
            } catch let failure as ApplyFailure {
                outcomes[request.address] = .failure(failure)
            } catch {
                outcomes[request.address] = .failure(ApplyFailure("script \(request.address.key): \(error)"))
            }
        }
        return outcomes
    }

    private func apply(_ request: ChangeRequest, host: Machine) async throws {
        switch request.operation {
        case .create:
            try await run("create", request, host: host)
        case .modify:
            try await run(request.resource.parameters["modify"] == nil ? "create" : "modify", request, host: host)
        case .recreate:
            if request.resource.parameters["destroy"] != nil { try await run("destroy", request, host: host) }
            try await run("create", request, host: host)
        case .destroy:
            try await run("destroy", request, host: host)
        case .release:
            break
        }
    }

    /// Runs the text of the parameter `name`; throws an `ApplyFailure` that names the script and shows the output.
    private func run(_ name: String, _ request: ChangeRequest, host: Machine) async throws {
        let resource = request.resource
        let id = request.address.key
        guard let text = resource.parameters[name]?.stringValue else {
            throw ApplyFailure("script \(id) has no \(name) text")
        }
        let shell = request.value("shell", schema: schema)?.stringValue ?? "/bin/sh"
        let environment = (resource.parameters["environment"]?.mapValue ?? [:]).mapValues(\.text)
        guard host.files.status(resource.baseDirectory)?.kind == .directory else {
            throw ApplyFailure("script \(id) runs in \(resource.baseDirectory), which is not a directory")
        }
        var command = Command([shell, "-c", text], environment: environment, workingDirectory: resource.baseDirectory,
                              timeout: resource.timeout ?? Self.defaultApplyTimeout)
        if resource.isSensitive(name) { command.sensitiveArguments = [2] }
        let result: CommandResult
        do {
            result = try await host.runner.run(command)
        } catch CommandError.timedOut(_, let seconds, let partial) {
            throw ApplyFailure("the \(name) text of script \(id) timed out after \(Self.format(seconds)) and was stopped"
                               + Self.tail(partial))
        } catch CommandError.launchFailed(_, let reason) {
            throw ApplyFailure("could not run the \(name) text of script \(id): \(reason)")
        }
        guard result.succeeded else {
            let how = result.signaled ? "was killed by signal \(result.status - 128)" : "exited with status \(result.status)"
            throw ApplyFailure("the \(name) text of script \(id) \(how)" + Self.tail(result))
        }
    }

    private static func tail(_ result: CommandResult) -> String {
        let tail = result.tail()
        return tail.isEmpty ? "" : ":\n" + tail
    }
}
