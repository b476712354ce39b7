import TendCore

/// A shell alias, kept in tend's profile (`ShellProfile`), which sh, bash, zsh and fish source.
///
/// Refresh reads `profile.sh` once for every alias resource; it runs no process.
public struct AliasResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.alias }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        ShellProfile.observeNamedValues(resources, host: host, in: \.aliases)
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let name = resource.parameters["name"]?.stringValue ?? resource.address.key
        let value = resource.isSensitive("value")
            ? "(sensitive)" : ShellQuoting.singleQuoted(resource.parameters["value"]?.stringValue ?? "")
        switch operation {
        case .create: return "Add alias \(name)=\(value)"
        case .modify, .recreate: return "Change alias \(name)=\(value)"
        case .destroy: return "Remove alias \(name)"
        case .release: return "Stop managing alias \(name) (left as it is)"
        }
    }
}

extension AliasResource {
    /// Rule 1 reads tend's own `profile.sh`, which holds this entry (see `ProfileFootprint`).
    public func footprint(of resource: ResourceSpec, host: Machine) -> String? { ProfileFootprint.of(host: host) }
}
