import Foundation
import TendCore

/// Apply for pipx: per interpreter one `pipx install SPEC...` for the new packages of a batch and one
/// `pipx install --force SPEC...` for version changes; `pipx uninstall NAME` per removal (pipx takes one).
/// pipx stops a multi-package install at some errors (a package without apps) and not at others, so when the
/// batch call fails, what is installed is read back and each package still missing is tried on its own,
/// which gives every failure its own cause.
extension PipxPackage {
    public var batchSize: Int { 50 }

    /// pipx's shared libraries (pip, setuptools) are updated by whichever install runs first.
    public var lockGroup: String? { "pipx" }

    static let missingMessage = "pipx is not installed; add it first, e.g. type: apt, name: pipx"

    /// The installs that share one pipx call: the same interpreter, and whether an existing environment is
    /// changed (`--force`) or a new one made.
    private struct Group: Hashable {
        var python: String?
        var force: Bool
    }

    private struct Item {
        var request: ChangeRequest
        var spec: String
        var name: String { PackageMessages.name(of: request.resource) }
    }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var groups: [Group: [Item]] = [:]
        var order: [Group] = []
        for request in requests {
            let name = PackageMessages.name(of: request.resource)
            switch request.operation {
            case .release:
                outcomes[request.address] = .success(ChangeResult())
                continue
            case .destroy:
                if case .failure(let failure) = Self.requirement(name: name, pin: nil) {
                    outcomes[request.address] = .failure(failure)
                } else {
                    outcomes[request.address] = await uninstall(request, context: context)
                }
                continue
            case .recreate:
                // The environment is rebuilt with another interpreter: pipx keeps an existing one's.
                if case .failure(let failure) = await uninstall(request, context: context) {
                    outcomes[request.address] = .failure(failure)
                    continue
                }
            case .create, .modify:
                break
            }
            switch Self.requirement(name: name, pin: PackageMessages.pin(of: request.resource)) {
            case .failure(let failure):
                outcomes[request.address] = .failure(failure)
            case .success(let spec):
                let group = Group(python: request.resource.parameters["python"]?.stringValue,
                                  force: request.operation == .modify)
                if groups[group] == nil { order.append(group) }
                groups[group, default: []].append(Item(request: request, spec: spec))
            }
        }
        for group in order {
            outcomes.merge(await install(groups[group]!, group: group, context: context)) { _, new in new }
        }
        return outcomes
    }

    // MARK: - Install

    private func install(_ items: [Item], group: Group, context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        let result: CommandResult
        switch await Self.run(installCommand(items, group: group), context: context) {
        case .failure(let failure): return Self.failing(items, outcomes, with: failure)
        case .success(let ran): result = ran
        }
        if result.succeeded || items.count == 1 {
            return await finish(items, after: result, context: context)
        }
        if Self.isNetworkFailure(result) {
            return Self.failing(items, outcomes, with: Self.failure(of: result, installing: items))
        }
        // Some may be installed: keep those, and try each of the others alone for its own error.
        let observed = (try? await refresh(items.map(\.request.resource), host: context.host)) ?? [:]
        var alone: [Item] = []
        for item in items {
            if let observation = observed[item.request.address], Self.satisfies(item.request, observation) {
                outcomes[item.request.address] = .success(ChangeResult(outputs: Self.outputs(observation)))
            } else {
                alone.append(item)
            }
        }
        for item in alone {
            switch await Self.run(installCommand([item], group: group), context: context) {
            case .failure(let failure):
                outcomes[item.request.address] = .failure(failure)
            case .success(let single):
                outcomes.merge(await finish([item], after: single, context: context)) { _, new in new }
            }
        }
        return outcomes
    }

    private func installCommand(_ items: [Item], group: Group) -> Command {
        var specs: [String] = []
        for item in items where !specs.contains(item.spec) { specs.append(item.spec) }
        return Command(Self.installArguments(specs, force: group.force, python: group.python),
                       timeout: items.compactMap(\.request.resource.timeout).max())
    }

    /// `pipx install [--force] [--python PY] -- SPEC...`: after `--`, pipx reads every word as a package spec.
    static func installArguments(_ specs: [String], force: Bool, python: String?) -> [String] {
        ArgumentSafety.pipx(["install"] + (force ? ["--force"] : []) + (python.map { ["--python", $0] } ?? []),
                            specs: specs)
    }

    /// pip's requirement for the package, with pipx's name in the message of a name pipx must not be given.
    static func requirement(name: String, pin: String?) -> Result<String, ApplyFailure> {
        if let problem = PythonRequirement.problem(name, type: "pipx") {
            return .failure(ApplyFailure(problem.message + (problem.hint.map { "; \($0)" } ?? "")))
        }
        return PipPackage.requirement(name: name, pin: pin)
    }

    /// The outcomes of a finished install: on success the versions refresh reads back, else the failure.
    private func finish(_ items: [Item], after result: CommandResult, context: ApplyContext) async -> ChangeOutcomes {
        guard result.succeeded else {
            return Self.failing(items, [:], with: Self.failure(of: result, installing: items))
        }
        // When the environments cannot be read now, the executor's verification says so.
        let observed = (try? await refresh(items.map(\.request.resource), host: context.host)) ?? [:]
        var outcomes: ChangeOutcomes = [:]
        for item in items {
            let outputs = observed[item.request.address].map(Self.outputs) ?? [:]
            outcomes[item.request.address] = .success(ChangeResult(outputs: outputs))
        }
        return outcomes
    }

    private static func failure(of result: CommandResult, installing items: [Item]) -> ApplyFailure {
        let text = result.output + "\n" + result.errorOutput
        let names = items.map(\.name).joined(separator: ", ")
        if isNetworkFailure(result) {
            return ApplyFailure("pipx could not reach the package index to install \(names): "
                                    + "\(CommandError.failed(result))", retryable: true)
        }
        if items.count == 1, let item = items.first {
            if text.contains("No matching distribution found for") {
                let why = PackageMessages.pin(of: item.request.resource).map {
                    "pipx found no version of '\(item.name)' matching '\($0)' on the package index"
                } ?? "no package named '\(item.name)' on the package index"
                return ApplyFailure(why + ": \(CommandError.failed(result))")
            }
            if text.contains("No apps associated with package") {
                return ApplyFailure("'\(item.name)' has no command-line apps, so pipx will not install it; "
                                    + "use type: pip for a library: \(CommandError.failed(result))")
            }
        }
        return ApplyFailure("pipx could not install \(names): \(CommandError.failed(result))")
    }

    private static func satisfies(_ request: ChangeRequest, _ observation: Observation) -> Bool {
        guard observation.exists else { return false }
        guard let pin = PackageMessages.pin(of: request.resource) else { return true }
        return observation.parameters["version"].map { VersionPattern(pin).matches($0.text) } ?? false
    }

    private static func outputs(_ observation: Observation) -> [String: Value] {
        observation.parameters["version"].map { ["version": $0] } ?? [:]
    }

    // MARK: - Uninstall

    /// `pipx uninstall NAME`; "Nothing to uninstall" means it is already gone.
    private func uninstall(_ request: ChangeRequest,
                           context: ApplyContext) async -> Result<ChangeResult, ApplyFailure> {
        let name = PipPackage.distribution(PackageMessages.name(of: request.resource))
        let command = Command(ArgumentSafety.pipx(["uninstall"], specs: [name]), timeout: request.resource.timeout)
        switch await Self.run(command, context: context) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let result):
            if result.succeeded || (result.output + result.errorOutput).contains("Nothing to uninstall") {
                return .success(ChangeResult())
            }
            return .failure(ApplyFailure("pipx could not uninstall \(name): \(CommandError.failed(result))"))
        }
    }

    // MARK: - Helpers

    private static func isNetworkFailure(_ result: CommandResult) -> Bool {
        PipPackage.isNetworkFailure(result.output + "\n" + result.errorOutput)
    }

    private static func failing(_ items: [Item], _ outcomes: ChangeOutcomes,
                                with failure: ApplyFailure) -> ChangeOutcomes {
        var outcomes = outcomes
        for item in items { outcomes[item.request.address] = .failure(failure) }
        return outcomes
    }

    private static func run(_ command: Command, context: ApplyContext) async -> Result<CommandResult, ApplyFailure> {
        do {
            return .success(try await context.host.runner.run(command))
        } catch CommandError.launchFailed {
            return .failure(ApplyFailure(missingMessage))
        } catch {
            return .failure(ApplyFailure(error: error))
        }
    }
}
