import Foundation
import TendCore

/// Refresh for content types: resources grouped by file, each file read once (by handle, bounded) for all of
/// the type's resources in it.
extension ContentResourceType {
    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var order: [String] = []
        var byPath: [String: [ResourceSpec]] = [:]
        for resource in resources {
            let path = path(of: resource, home: host.home)
            if byPath[path] == nil { order.append(path) }
            byPath[path, default: []].append(resource)
        }
        var observations: [Address: Observation] = [:]
        for path in order {
            let group = byPath[path]!
            let shown = ResourcePaths.shown(path, host: host)
            let file: ContentFile
            do {
                file = try ContentFile.read(path, host: host)
            } catch {
                for resource in group { observations[resource.address] = .absent("\(error)") }
                continue
            }
            for (address, observation) in observeAll(group, in: file.text, shownPath: shown) {
                var observation = observation
                if observation.exists, let wanted = group.first(where: { $0.address == address })?.parameters["path"] {
                    observation.parameters["path"] = wanted
                }
                observations[address] = observation
            }
        }
        return observations
    }

    /// The parameters refresh reports for a setting: `value` as it is now, or the desired spelling when tend
    /// reads the two as the same.
    static func reported(_ current: String, desired: Value?, equal: Bool) -> Value {
        equal ? (desired ?? .string(current)) : .string(current)
    }
}
