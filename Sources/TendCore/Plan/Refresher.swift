/// Asks each type for the current state of its resources: one call per type, types concurrently.
public struct Refresher: Sendable {
    public var registry: TypeRegistry
    public var host: Machine

    public init(registry: TypeRegistry, host: Machine) {
        self.registry = registry
        self.host = host
    }

    /// Observations of `resources`; a resource its type did not report is absent.
    public func refresh(_ resources: [ResourceSpec]) async throws -> [Address: Observation] {
        var byType: [String: [ResourceSpec]] = [:]
        for resource in resources { byType[resource.type, default: []].append(resource) }
        let registry = self.registry
        let host = self.host
        return try await withThrowingTaskGroup(of: [Address: Observation].self) { group in
            for (typeName, members) in byType {
                guard let type = registry[typeName] else { throw PlanError.unknownType(typeName) }
                group.addTask {
                    do {
                        return try await type.refresh(members, host: OutputHidingRunner.host(host, for: members))
                    } catch let error as PlanError {
                        throw error
                    } catch {
                        // The error may quote a check's output, which may hold a secret.
                        throw PlanError.refreshFailed(type: typeName,
                                                      underlying: SecretRedactor(members).failureMessage("\(error)"))
                    }
                }
            }
            var merged: [Address: Observation] = [:]
            for try await part in group { merged.merge(part) { first, _ in first } }
            return merged
        }
    }
}

/// Why a plan could not be made.
public enum PlanError: Error, Sendable, CustomStringConvertible {
    case unknownType(String)
    case refreshFailed(type: String, underlying: String)
    case unknownTarget(String, suggestion: String)
    case unknownTag(String)
    /// A resource that cannot be planned as the config stands, with what to do about it (a type's own words).
    case cannotPlan(String)

    public var description: String {
        switch self {
        case .unknownType(let name): return "internal error: no resource type '\(name)' is registered"
        case .refreshFailed(let type, let underlying): return "could not read the current state of \(type) resources: \(underlying)"
        case .unknownTarget(let address, let suggestion): return "--target \(address) is not a resource of this config\(suggestion)"
        case .unknownTag(let tag): return "--tag \(tag) matches no resource of this config"
        case .cannotPlan(let message): return message
        }
    }
}
