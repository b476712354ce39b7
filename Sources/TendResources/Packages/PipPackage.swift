import Foundation
import TendCore

/// A Python distribution installed with an interpreter's pip. Refresh runs one
/// `PYTHON -m pip list --format=json` per interpreter (and one more with `--user` when some of its resources
/// install into the user's site-packages), and matches names the way pip does (PEP 503).
public struct PipPackage: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.pip }

    /// One listing: an interpreter, and whether only the user's site-packages are listed.
    struct Scope: Hashable, Sendable {
        var python: String
        var user: Bool

        var arguments: [String] {
            [python, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"] + (user ? ["--user"] : [])
        }
    }

    /// What one listing found: versions by normalised name, or why there is nothing to look in.
    enum Listing: Sendable {
        case listed([String: String])
        case unavailable(String)
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var scopes: [Scope] = []
        for resource in resources where !scopes.contains(scope(of: resource)) { scopes.append(scope(of: resource)) }
        let timeout = resources.compactMap(\.timeout).max()
        let listings = try await withThrowingTaskGroup(of: (Scope, Listing).self) { group in
            for scope in scopes {
                group.addTask { (scope, try await Self.list(scope, host: host, timeout: timeout)) }
            }
            var listings: [Scope: Listing] = [:]
            for try await (scope, listing) in group { listings[scope] = listing }
            return listings
        }

        var observations: [Address: Observation] = [:]
        for resource in resources {
            let scope = scope(of: resource)
            switch listings[scope]! {
            case .unavailable(let note):
                observations[resource.address] = .absent(note)
            case .listed(let versions):
                if let version = versions[Self.normalized(Self.distribution(PackageMessages.name(of: resource)))] {
                    // Found by this scope's listing, so the interpreter and user flag are the resource's own.
                    observations[resource.address] = .present([
                        "version": .string(version), "python": .string(scope.python), "user": .bool(scope.user),
                    ])
                } else {
                    let place = scope.python + (scope.user ? " (user)" : "")
                    observations[resource.address] = .absent("not installed for \(place)")
                }
            }
        }
        return observations
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        PackageMessages.message(noun: "Python package", operation: operation, resource: resource, changes: changes)
    }

    func scope(of resource: ResourceSpec) -> Scope {
        let python = resource.parameters["python"]?.stringValue
            ?? schema.parameter("python")?.defaultValue?.stringValue ?? "python3"
        let user = resource.parameters["user"]?.boolValue ?? schema.parameter("user")?.defaultValue?.boolValue ?? false
        return Scope(python: python, user: user)
    }

    static func list(_ scope: Scope, host: Machine, timeout: Double?) async throws -> Listing {
        let command = Command(scope.arguments, timeout: timeout)
        let result: CommandResult
        do {
            result = try await host.runner.run(command)
        } catch CommandError.launchFailed {
            return .unavailable("the interpreter \(scope.python) is not installed")
        }
        guard result.succeeded else {
            if result.errorOutput.contains("No module named pip") {
                return .unavailable("pip is not installed for \(scope.python)")
            }
            throw CommandError.failed(result)
        }
        return .listed(try parse(result.output, command: command))
    }

    /// Versions by normalised name from `pip list --format=json` (`[{"name": "six", "version": "1.16.0"}]`);
    /// entries without a name and a version are ignored, output that is not a JSON list is an error.
    static func parse(_ output: String, command: Command) throws -> [String: String] {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(output.utf8))
        } catch {
            throw PackageQueryError.unreadableOutput(command, reason: "it is not JSON")
        }
        guard let entries = json as? [Any] else {
            throw PackageQueryError.unreadableOutput(command, reason: "expected a JSON list of packages")
        }
        var versions: [String: String] = [:]
        for entry in entries {
            guard let object = entry as? [String: Any], let name = object["name"] as? String,
                  let version = object["version"] as? String
            else { continue }
            let key = normalized(name)
            if versions[key] == nil { versions[key] = version }
        }
        return versions
    }

    /// The distribution part of a requirement name: `httpie[socks]` is listed as `httpie`.
    static func distribution(_ name: String) -> String {
        String(name.prefix { $0 != "[" }).trimmingCharacters(in: .whitespaces)
    }

    /// A distribution name as PEP 503 compares it: lowercase, each run of `-`, `_` and `.` one `-`.
    static func normalized(_ name: String) -> String {
        var result = ""
        var inSeparatorRun = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !inSeparatorRun { result.append("-") }
                inSeparatorRun = true
            } else {
                result.append(character)
                inSeparatorRun = false
            }
        }
        return result
    }
}
