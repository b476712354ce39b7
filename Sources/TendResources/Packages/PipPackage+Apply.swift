import Foundation
import TendCore

/// Apply for pip: per interpreter (and user flag) one `PYTHON -m pip install` for every install of the batch,
/// and per interpreter one `PYTHON -m pip uninstall -y` for every removal. pip resolves the whole install
/// before it changes anything, so a name the index does not know fails alone and the rest is installed by
/// one more call.
extension PipPackage {
    public var batchSize: Int { 50 }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var installs: [Scope: [ChangeRequest]] = [:]
        var installOrder: [Scope] = []
        var removals: [String: [ChangeRequest]] = [:]
        var removalOrder: [String] = []
        for request in requests {
            let scope = scope(of: request.resource)
            switch request.operation {
            case .create, .modify, .recreate:
                // python and user are not modifiable, and refresh finds a package only in its own scope, so a
                // recreate is an install into the wanted scope.
                if installs[scope] == nil { installOrder.append(scope) }
                installs[scope, default: []].append(request)
            case .destroy:
                if case .failure(let failure) = Self.requirement(name: PackageMessages.name(of: request.resource), pin: nil) {
                    outcomes[request.address] = .failure(failure)
                    continue
                }
                if removals[scope.python] == nil { removalOrder.append(scope.python) }
                removals[scope.python, default: []].append(request)
            case .release:
                outcomes[request.address] = .success(ChangeResult())
            }
        }
        for scope in installOrder {
            outcomes.merge(await install(installs[scope]!, scope: scope, context: context)) { _, new in new }
        }
        for python in removalOrder {
            outcomes.merge(await uninstall(removals[python]!, python: python, context: context)) { _, new in new }
        }
        return outcomes
    }

    // MARK: - Install

    private func install(_ requests: [ChangeRequest], scope: Scope, context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var pending: [(request: ChangeRequest, requirement: String)] = []
        for request in requests {
            let name = PackageMessages.name(of: request.resource)
            switch Self.requirement(name: name, pin: PackageMessages.pin(of: request.resource)) {
            case .success(let requirement): pending.append((request, requirement))
            case .failure(let failure): outcomes[request.address] = .failure(failure)
            }
        }
        let timeout = requests.compactMap(\.resource.timeout).max()

        // Each failed pass drops at least one package the index does not have, or ends.
        while !pending.isEmpty {
            var requirements: [String] = []
            for item in pending where !requirements.contains(item.requirement) { requirements.append(item.requirement) }
            let command = Command(Self.installArguments(requirements, scope: scope), timeout: timeout)
            let result: CommandResult
            switch await Self.run(command, scope: scope, context: context) {
            case .success(let ran): result = ran
            case .failure(let failure): return Self.failing(pending.map(\.request), outcomes, with: failure)
            }
            if result.succeeded { break }

            let text = result.output + "\n" + result.errorOutput
            let names = pending.map { PackageMessages.name(of: $0.request.resource) }.joined(separator: ", ")
            if Self.isNetworkFailure(text) {
                return Self.failing(pending.map(\.request), outcomes, with: ApplyFailure(
                    "pip could not reach the package index to install \(names): \(CommandError.failed(result))",
                    retryable: true))
            }
            if text.contains("externally-managed-environment") {
                return Self.failing(pending.map(\.request), outcomes, with: ApplyFailure(
                    "\(scope.python) belongs to the system, whose pip refuses to install \(names) "
                        + "(externally-managed-environment); set 'python:' to a virtual environment's interpreter, "
                        + "or use type: pipx or type: apt: \(CommandError.failed(result))"))
            }
            let unknown = Set(Self.unfoundRequirements(in: text).map { Self.normalized(Self.requirementName($0)) })
            let unfound = pending.filter { unknown.contains(Self.normalized(Self.requirementName($0.requirement))) }
            guard !unfound.isEmpty else {
                return Self.failing(pending.map(\.request), outcomes, with: ApplyFailure(
                    "pip could not install \(names) for \(scope.python): \(CommandError.failed(result))"))
            }
            for item in unfound {
                let name = PackageMessages.name(of: item.request.resource)
                let why = PackageMessages.pin(of: item.request.resource).map {
                    "pip found no version of '\(name)' matching '\($0)' on the package index"
                } ?? "no package named '\(name)' on the package index"
                outcomes[item.request.address] = .failure(ApplyFailure(why + ": " + Self.lastError(in: result)))
            }
            let dropped = Set(unfound.map(\.request.address))
            pending.removeAll { dropped.contains($0.request.address) }
        }

        guard !pending.isEmpty else { return outcomes }
        let installed = pending.map(\.request)
        // Outputs come from pip's own listing; when it cannot be read now, the executor's verification says so.
        let observed = (try? await refresh(installed.map(\.resource), host: context.host)) ?? [:]
        for request in installed {
            var outputs: [String: Value] = [:]
            if let version = observed[request.address]?.parameters["version"] { outputs["version"] = version }
            outcomes[request.address] = .success(ChangeResult(outputs: outputs))
        }
        return outcomes
    }

    /// The requirement pip installs for a name and a version pattern: the name alone, `name==1.2.3` for an
    /// exact version, `name==3.*` for a prefix. A pattern that PEP 440 cannot say (`1.?`, `3*`) is refused
    /// rather than installed loosely, because refresh would then never see the version the pattern asks for.
    ///
    /// The name must be a package name with optional extras (`PythonRequirement`), and the pin a version's
    /// characters only: both end up in one argv word that pip parses as a requirement. `validate` asks this too.
    static func requirement(name: String, pin: String?) -> Result<String, ApplyFailure> {
        if let problem = PythonRequirement.problem(name, type: "pip") {
            return .failure(ApplyFailure(problem.message + (problem.hint.map { "; \($0)" } ?? "")))
        }
        guard let pin else { return .success(name) }
        guard pin.unicodeScalars.allSatisfy({ isVersionScalar($0) }) else {
            return .failure(ApplyFailure(
                "'\(pin)' is not a version of '\(name)' pip can install: use letters, digits and . * + ! _ -"))
        }
        let pattern = VersionPattern(pin)
        if !pattern.hasWildcards {
            // `3.1` matches 3.1.4 as tend compares versions, as pip's `==3.1.*` does.
            return .success(isRelease(pin) ? "\(name)==\(pin).*" : "\(name)==\(pin)")
        }
        if pin.hasSuffix(".*"), isRelease(String(pin.dropLast(2))) {
            return .success("\(name)==\(pin)")
        }
        return .failure(ApplyFailure(
            "pip cannot install a version of '\(name)' matching '\(pin)': write an exact version (\"1.2.3\") "
                + "or a prefix ending in '.*' (\"3.*\", \"1.2.*\")"))
    }

    /// What a PEP 440 version (or tend's pattern of one) is written with; anything else, such as a space, `;`
    /// or `@`, would make the requirement say more than a version.
    private static func isVersionScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || ".*+!_-?".unicodeScalars.contains(scalar)
    }

    /// `3`, `1.2`, `2024.10.1`: dot-separated numbers, the release part of a PEP 440 version.
    private static func isRelease(_ text: String) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }

    // MARK: - Uninstall

    /// Removes with one `pip uninstall -y`; pip skips, with a warning, a package that is not installed.
    private func uninstall(_ requests: [ChangeRequest], python: String, context: ApplyContext) async -> ChangeOutcomes {
        var names: [String] = []
        for request in requests {
            let name = Self.distribution(PackageMessages.name(of: request.resource))
            if !names.contains(name) { names.append(name) }
        }
        let command = Command(Self.uninstallArguments(names, python: python),
                              timeout: requests.compactMap(\.resource.timeout).max())
        switch await Self.run(command, scope: Scope(python: python, user: false), context: context) {
        case .failure(let failure):
            return Self.failing(requests, [:], with: failure)
        case .success(let result) where !result.succeeded:
            return Self.failing(requests, [:], with: ApplyFailure(
                "pip could not uninstall \(names.joined(separator: ", ")) from \(python): "
                    + "\(CommandError.failed(result))"))
        case .success:
            var outcomes: ChangeOutcomes = [:]
            for request in requests { outcomes[request.address] = .success(ChangeResult()) }
            return outcomes
        }
    }

    /// `PYTHON -m pip install ... -- REQUIREMENT...`: after `--`, pip reads every word as a requirement.
    static func installArguments(_ requirements: [String], scope: Scope) -> [String] {
        ArgumentSafety.pip(python: scope.python,
                           ["install", "--disable-pip-version-check", "--no-input"] + (scope.user ? ["--user"] : []),
                           requirements: requirements)
    }

    /// `PYTHON -m pip uninstall -y ... -- NAME...`.
    static func uninstallArguments(_ names: [String], python: String) -> [String] {
        ArgumentSafety.pip(python: python, ["uninstall", "-y", "--disable-pip-version-check"], requirements: names)
    }

    // MARK: - pip's messages

    /// The requirements of `No matching distribution found for X` (pip prints the requirement as given).
    static func unfoundRequirements(in output: String) -> [String] {
        var found: [String] = []
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: "No matching distribution found for ") else { continue }
            let requirement = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if !requirement.isEmpty { found.append(requirement) }
        }
        return found
    }

    /// pip could not reach the index (after its own retries); a later try may get through.
    static func isNetworkFailure(_ output: String) -> Bool {
        ["Temporary failure in name resolution", "Max retries exceeded", "ReadTimeoutError", "ConnectTimeoutError",
         "NewConnectionError", "Connection timed out", "Network is unreachable", "Read timed out"]
            .contains { output.contains($0) }
    }

    private static func lastError(in result: CommandResult) -> String {
        let lines = (result.errorOutput + "\n" + result.output).split(separator: "\n")
        return lines.last { $0.hasPrefix("ERROR:") }.map(String.init) ?? result.tail(lines: 1)
    }

    // MARK: - Helpers

    /// `outcomes` with every one of `requests` failed for the same reason.
    private static func failing(_ requests: [ChangeRequest], _ outcomes: ChangeOutcomes,
                                with failure: ApplyFailure) -> ChangeOutcomes {
        var outcomes = outcomes
        for request in requests { outcomes[request.address] = .failure(failure) }
        return outcomes
    }

    /// The distribution name of a requirement: `six` of `six==1.*`, `httpie` of `httpie[socks]>=3`.
    static func requirementName(_ requirement: String) -> String {
        String(requirement.prefix { !"=<>!~[;( ".contains($0) })
    }

    /// Runs a pip command; a missing interpreter or pip is a failure that says what to add.
    private static func run(_ command: Command, scope: Scope,
                            context: ApplyContext) async -> Result<CommandResult, ApplyFailure> {
        do {
            let result = try await context.host.runner.run(command)
            if !result.succeeded, result.errorOutput.contains("No module named pip") {
                return .failure(ApplyFailure("pip is not installed for \(scope.python); add it first, "
                                             + "e.g. type: apt, name: python3-pip"))
            }
            return .success(result)
        } catch CommandError.launchFailed {
            return .failure(ApplyFailure("the interpreter \(scope.python) is not installed"))
        } catch {
            return .failure(ApplyFailure(error: error))
        }
    }
}
