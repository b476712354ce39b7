import Foundation
import TendCore

/// A resource type served by an external plugin: its schema comes from the plugin's SPEC, refresh sends one
/// REFRESH for every resource of the type, and each change is one APPLY. The plugin's failures fail only
/// changes of its own types.
public struct PluginResourceType: ApplyingResourceType {
    public let schema: TypeSchema
    public let client: PluginClient

    public init(schema: TypeSchema, client: PluginClient) {
        self.schema = schema
        self.client = client
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        let current = try await client.refresh(resources.map { ($0.address, withDefaults($0.parameters)) })
        var observations: [Address: Observation] = [:]
        for resource in resources {
            switch current[resource.address] {
            case .some(.some(let parameters)): observations[resource.address] = .present(parameters)
            case .some(.none): observations[resource.address] = .absent("the plugin \(client.name) reports it absent")
            case .none: observations[resource.address] = .absent("the plugin \(client.name) did not report it")
            }
        }
        return observations
    }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            outcomes[request.address] = await apply(request, context: context)
        }
        return outcomes
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async -> Result<ChangeResult, ApplyFailure> {
        // Secrets go to the plugin, which needs them; whatever it prints about them is redacted before it is
        // logged or kept in a failure message.
        let redactor = SecretRedactor([request.resource])
        let answer: PluginClient.ApplyAnswer
        do {
            answer = try await client.apply(change: changeJSON(request), address: request.address,
                                            timeout: request.resource.timeout, log: context.log)
        } catch {
            return .failure(ApplyFailure(redactor.failureMessage(error.description)))
        }
        var problems = answer.controlProblems.map { "plugin \(client.name) \($0)" }
        if !answer.control.isEmpty {
            let unfit = schema.problems(in: answer.control)
            if !unfit.isEmpty {
                problems.append("plugin \(client.name) sent a CONTROL for \(request.address) that does not fit type "
                                + "\(schema.name): " + unfit.joined(separator: "; "))
            }
        }
        if !problems.isEmpty {
            return .failure(ApplyFailure(redactor.failureMessage(
                problems.joined(separator: "; ") + "; the change fails and the stored parameters stay as they were")))
        }
        guard answer.succeeded else {
            let message = answer.errorMessage.map { TerminalText.escape(PluginText.cut($0, to: 2000)) } ?? "no reason given"
            return .failure(ApplyFailure(redactor.failureMessage("plugin \(client.name) failed: \(message)"),
                                         retryable: answer.retryable))
        }
        return .success(ChangeResult(outputs: answer.outputs,
                                     updatedParameters: answer.control.isEmpty ? nil : answer.control))
    }

    /// The APPLY message's `change`: the address, the operation, the parameters as the config wants them (with
    /// the schema's defaults), what refresh found, and each parameter's change.
    func changeJSON(_ request: ChangeRequest) -> JSON {
        let current: JSON = request.observation.exists ? Value.map(request.observation.parameters).json : .null
        let changes = JSON.array(request.change.parameters.map { change in
            .object([("name", .string(change.name)), ("operation", .string(change.operation.rawValue)),
                     ("before", change.before?.json ?? .null), ("after", change.after?.json ?? .null)])
        })
        return .object([
            ("address", .string(request.address.description)),
            ("type", .string(schema.name)),
            ("operation", .string(request.operation.rawValue)),
            ("parameters", Value.map(withDefaults(request.resource.parameters)).json),
            ("current", current),
            ("changes", changes),
        ])
    }

    private func withDefaults(_ parameters: [String: Value]) -> [String: Value] {
        var result = parameters
        for parameter in schema.parameters where result[parameter.name] == nil {
            if let value = parameter.defaultValue { result[parameter.name] = value }
        }
        return result
    }
}
