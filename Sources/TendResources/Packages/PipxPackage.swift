import Foundation
import TendCore

/// A Python application in its own pipx environment. Refresh reads every environment from one
/// `pipx list --json` and reports the main package's version and the interpreter the environment was built with.
public struct PipxPackage: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.pipx }

    /// One pipx environment, as `pipx list --json` describes it under `venvs`.
    struct Environment: Sendable, Hashable {
        /// The environment's name: the package's, plus its suffix when installed with `--suffix`.
        var name: String
        var package: String
        var version: String
        var suffix: String
        /// `Python 3.11.7`, as pipx records it.
        var pythonVersion: String?
        /// The interpreter the environment was made from.
        var sourceInterpreter: String?
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        let command = Command(["pipx", "list", "--json"], timeout: resources.compactMap(\.timeout).max())
        let result: CommandResult
        do {
            result = try await host.runner.run(command)
        } catch CommandError.launchFailed {
            let absent = Observation.absent("pipx is not installed")
            return Dictionary(resources.map { ($0.address, absent) }, uniquingKeysWith: { first, _ in first })
        }
        // pipx exits 1 when some environment is damaged but still prints the others; only unreadable output fails.
        let environments: [Environment]
        do {
            environments = try Self.parse(result.output, command: command)
        } catch {
            if !result.succeeded { throw CommandError.failed(result) }
            throw error
        }

        var observations: [Address: Observation] = [:]
        for resource in resources {
            let wanted = PipPackage.normalized(PipPackage.distribution(PackageMessages.name(of: resource)))
            let environment = environments.first { PipPackage.normalized($0.package) == wanted && $0.suffix.isEmpty }
                ?? environments.first { PipPackage.normalized($0.name) == wanted }
            guard let environment else {
                observations[resource.address] = .absent("not installed")
                continue
            }
            var parameters: [String: Value] = ["version": .string(environment.version)]
            if let python = Self.python(of: environment, desired: resource.parameters["python"]?.stringValue) {
                parameters["python"] = .string(python)
            }
            observations[resource.address] = .present(parameters)
        }
        return observations
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        PackageMessages.message(noun: "pipx package", operation: operation, resource: resource, changes: changes)
    }

    /// The environments of `pipx list --json`: `{"venvs": {NAME: {"metadata": {"main_package": {...}}}}}`.
    /// Environments without a main package name and version are ignored; output without `venvs` is an error.
    static func parse(_ output: String, command: Command) throws -> [Environment] {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(output.utf8))
        } catch {
            throw PackageQueryError.unreadableOutput(command, reason: "it is not JSON")
        }
        guard let root = json as? [String: Any], let venvs = root["venvs"] as? [String: Any] else {
            throw PackageQueryError.unreadableOutput(command, reason: "expected an object with \"venvs\"")
        }
        var environments: [Environment] = []
        for name in venvs.keys.sorted() {
            guard let metadata = (venvs[name] as? [String: Any])?["metadata"] as? [String: Any],
                  let main = metadata["main_package"] as? [String: Any],
                  let package = main["package"] as? String, let version = main["package_version"] as? String
            else { continue }
            // pipx writes paths as {"__Path__": "...", "__type__": "Path"}.
            let interpreter = (metadata["source_interpreter"] as? [String: Any])?["__Path__"] as? String
                ?? metadata["source_interpreter"] as? String
            environments.append(Environment(name: name, package: package, version: version,
                                            suffix: main["suffix"] as? String ?? "",
                                            pythonVersion: metadata["python_version"] as? String,
                                            sourceInterpreter: interpreter))
        }
        return environments
    }

    /// The interpreter to report: the resource's own spelling when it describes the environment's interpreter
    /// (`python3.11`, `3.11` or the same path for one built by `/usr/bin/python3.11`, Python 3.11.7), else the
    /// interpreter's path, which then differs and makes the plan rebuild the environment.
    static func python(of environment: Environment, desired: String?) -> String? {
        let actual = environment.sourceInterpreter ?? environment.pythonVersion
        guard let desired else { return actual }
        if let path = environment.sourceInterpreter {
            if path == desired { return desired }
            if !desired.contains("/"), path.split(separator: "/").last.map(String.init) == desired { return desired }
        }
        let number = desired.hasPrefix("python") ? String(desired.dropFirst("python".count)) : desired
        if !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
           let version = environment.pythonVersion?.split(separator: " ").last.map(String.init),
           VersionPattern(number).matches(version) {
            return desired
        }
        return actual
    }
}
