import Foundation
import TendCore

/// Apply for declarative types: removals first (destroy, batched when the definition has a batch form), then
/// creates, also batched; a modify runs create again, destroy then create, or its own command, as the definition
/// says. A failed batch is retried one resource at a time so that each failure has its own cause. The executor's
/// verify refresh decides convergence; outputs are the listed fields read back after the change.
extension DeclarativeType {
    public var batchSize: Int { definition.batchSize }
    public var lockGroup: String? { definition.lockGroup }

    public func needsPrivilege(_ request: ChangeRequest, host: Machine) -> Bool { definition.root }

    /// "npm is not installed; add it first (e.g. type: apt, name: npm)", or the definition's own hint.
    func missingMessage(_ program: String) -> String {
        "\(program) is not installed; " + (definition.requiresHint ?? "add it first (e.g. type: apt, name: \(program))")
    }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        if let missing = missingProgram(context.host) {
            for request in requests {
                outcomes[request.address] = request.operation == .release
                    ? .success(ChangeResult()) : .failure(ApplyFailure(missingMessage(missing)))
            }
            return outcomes
        }
        var removals: [ChangeRequest] = []
        var creations: [ChangeRequest] = []
        var modifications: [ChangeRequest] = []
        for request in requests {
            switch request.operation {
            case .release: outcomes[request.address] = .success(ChangeResult())
            case .destroy: removals.append(request)
            case .create: creations.append(request)
            case .recreate:
                removals.append(request)
                creations.append(request)
            case .modify:
                switch definition.modify {
                case .create: creations.append(request)
                case .recreate:
                    removals.append(request)
                    creations.append(request)
                case .command: modifications.append(request)
                }
            }
        }
        if !removals.isEmpty {
            guard let destroy = definition.destroy else {
                for request in removals {
                    outcomes[request.address] = .failure(ApplyFailure(
                        "type \(definition.name) has no destroy command, so tend cannot remove \(keyValue(of: request.resource))"))
                }
                return outcomes
            }
            outcomes.merge(await run(destroy.argv, batch: destroy.batch, removals, verb: "remove",
                                     context: context)) { _, new in new }
        }
        // A recreate whose destroy failed does not go on to create.
        creations.removeAll { request in
            if case .failure? = outcomes[request.address] { return true }
            return false
        }
        var created = await run(definition.create.argv, batch: definition.create.batch, creations, verb: "install",
                                context: context)
        if case .command(let argv) = definition.modify {
            created.merge(await run(argv, batch: nil, modifications, verb: "change", context: context)) { _, new in new }
        }
        // Outputs: what the list reports now for what was created or changed.
        let succeeded = (creations + modifications).filter { if case .success? = created[$0.address] { true } else { false } }
        let observed = succeeded.isEmpty ? [:]
            : ((try? await refresh(succeeded.map(\.resource), host: context.host)) ?? [:])
        for request in succeeded {
            var outputs = observed[request.address]?.parameters ?? [:]
            outputs[definition.keyParameter.name] = nil
            created[request.address] = .success(ChangeResult(outputs: outputs))
        }
        outcomes.merge(created) { _, new in new }
        return outcomes
    }

    /// Runs `argv` for each request, or `batch` for groups of requests that share the values the batch names
    /// outside `{each}`; a failed batch falls back to one command per request.
    private func run(_ argv: ArgvTemplate, batch: ArgvTemplate?, _ requests: [ChangeRequest], verb: String,
                     context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        guard !requests.isEmpty else { return outcomes }
        var single = requests
        if let batch, requests.count > 1 {
            single = []
            let shared = batch.sharedParameterNames.sorted()
            var groups: [String: [ChangeRequest]] = [:]
            var order: [String] = []
            for request in requests {
                let all = values(of: request.resource).parameters
                let key = shared.map { all[$0]?.text ?? "" }.joined(separator: "\u{0}")
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(request)
            }
            for key in order {
                let group = groups[key]!
                if group.count == 1 {
                    single += group
                    continue
                }
                let filled: [String]
                do {
                    filled = try TemplateExpansion.expand(batch, batch: group.map { values(of: $0.resource) },
                                                          host: context.host.facts)
                } catch {
                    // One bad value must not stop the others: each runs alone and reports its own.
                    single += group
                    continue
                }
                let result = await execute(filled, group, context: context)
                if case .success(let ran) = result, ran.succeeded {
                    for request in group { outcomes[request.address] = .success(ChangeResult()) }
                } else {
                    single += group
                }
            }
        }
        for request in single {
            let filled: [String]
            do {
                filled = try TemplateExpansion.expand(argv, values: values(of: request.resource), host: context.host.facts)
            } catch {
                outcomes[request.address] = .failure(ApplyFailure(
                    "\(definition.name) \(keyValue(of: request.resource)): \(error)"))
                continue
            }
            switch await execute(filled, [request], context: context) {
            case .failure(let failure):
                outcomes[request.address] = .failure(failure)
            case .success(let result):
                outcomes[request.address] = result.succeeded ? .success(ChangeResult())
                    : .failure(ApplyFailure("could not \(verb) \(definition.name) \(keyValue(of: request.resource)): "
                                            + "\(CommandError.failed(result))"))
            }
        }
        return outcomes
    }

    /// The values of `resource` that are sensitive (by the definition or the resource's `sensitive:`).
    func sensitiveValues(of resource: ResourceSpec) -> [String] {
        values(of: resource).parameters.compactMap { name, value in
            guard schema.parameter(name)?.sensitive == true || resource.isSensitive(name) else { return nil }
            let text = value.text
            return text.isEmpty ? nil : text
        }
    }

    private func execute(_ argv: [String], _ requests: [ChangeRequest],
                         context: ApplyContext) async -> Result<CommandResult, ApplyFailure> {
        let timeout = requests.compactMap(\.resource.timeout).max() ?? definition.timeout
        var command = Command(argv, timeout: timeout, privileged: definition.root)
        // A sensitive value never shows in a report or a log: the arguments that hold one, and the output.
        let secrets = requests.flatMap { sensitiveValues(of: $0.resource) }
        if !secrets.isEmpty {
            command.sensitiveArguments = Set(argv.indices.filter { index in secrets.contains { argv[index].contains($0) } })
            command.hidesOutput = true
        }
        do {
            return .success(try await context.host.runner.run(command))
        } catch CommandError.launchFailed {
            return .failure(ApplyFailure(missingMessage(DefinitionLoader.basename(argv[0]))))
        } catch {
            return .failure(ApplyFailure(error: error))
        }
    }
}
