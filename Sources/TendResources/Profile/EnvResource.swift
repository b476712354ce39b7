import TendCore

/// An exported environment variable with a literal value, kept in tend's profile (`ShellProfile`).
///
/// Refresh reads `profile.sh` once for every env resource; it runs no process. It reports what tend's profile
/// sets, not the variable in tend's own environment, which depends on the shell tend was started from.
public struct EnvResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.env }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        ShellProfile.observeNamedValues(resources, host: host, in: \.environment)
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let name = resource.parameters["name"]?.stringValue ?? resource.address.key
        let value = resource.isSensitive("value")
            ? "(sensitive)" : ShellQuoting.quote(resource.parameters["value"]?.stringValue ?? "")
        switch operation {
        case .create, .modify, .recreate: return "Set \(name)=\(value)"
        case .destroy: return "Unset \(name)"
        case .release: return "Stop managing variable \(name) (left as it is)"
        }
    }
}

extension EnvResource {
    /// Rule 1 reads tend's own `profile.sh`, which holds this entry (see `ProfileFootprint`).
    public func footprint(of resource: ResourceSpec, host: Machine) -> String? { ProfileFootprint.of(host: host) }
}
