import Foundation

/// Saved plans on disk: the JSON of `PlanJSONRenderer(purpose: .savedPlan)`, written atomically with mode 0600.
public enum PlanFile {
    public static func write(_ plan: Plan, to path: String) throws {
        let text = PlanJSONRenderer(purpose: .savedPlan).render(plan)
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600)
    }

    /// The largest saved plan tend reads: 64 MiB (diffs of large files are summaries, so real plans stay small).
    public static let sizeLimit = 64 << 20

    /// Reads a saved plan; throws `PlanFileError` for anything that is not one.
    public static func read(_ path: String) throws -> SavedPlan {
        let data: [UInt8]
        do {
            data = try RegularFileReader.read(path, limit: sizeLimit)
        } catch {
            throw PlanFileError.unreadable(path, "\(error)")
        }
        let json: JSON
        do {
            json = try JSON.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw PlanFileError.malformed(path, "\(error)")
        }
        guard json["formatVersion"]?.intValue == Plan.formatVersion else {
            throw PlanFileError.malformed(path, "it is not a saved plan of format version \(Plan.formatVersion)")
        }
        guard let config = json["config"]?.stringValue, let digest = json["configDigest"]?.stringValue,
              let changes = json["changes"]?.arrayValue else {
            throw PlanFileError.malformed(path, "it lacks config, configDigest or changes")
        }
        var saved: [SavedPlan.Change] = []
        for change in changes {
            guard let address = change["address"]?.stringValue, let operation = change["operation"]?.stringValue,
                  let fingerprint = change["fingerprint"]?.stringValue else {
                throw PlanFileError.malformed(path, "a change lacks address, operation or fingerprint")
            }
            var digests: [String: String] = [:]
            for parameter in change["parameters"]?.arrayValue ?? [] {
                if let name = parameter["name"]?.stringValue, let digest = parameter["after"]?["digest"]?.stringValue {
                    digests[name] = digest
                }
            }
            saved.append(SavedPlan.Change(address: address, operation: operation, fingerprint: fingerprint,
                                          sensitiveDigests: digests))
        }
        return SavedPlan(configPath: config, configDigest: digest, changes: saved)
    }
}

/// What a saved plan promises: the config it was made from and each change with the state it was made against.
public struct SavedPlan: Sendable {
    public struct Change: Sendable {
        public var address: String
        public var operation: String
        public var fingerprint: String
        /// Digests of sensitive values the plan was made with.
        public var sensitiveDigests: [String: String]
    }

    public var configPath: String
    public var configDigest: String
    public var changes: [Change]

    /// Nil when `fresh` (planned now) is the same plan; else why the saved one is stale.
    public func staleness(comparedTo fresh: Plan) -> String? {
        if fresh.configDigest != configDigest { return "plan is stale: the config changed since the plan was made" }
        let freshByAddress = Dictionary(fresh.changes.map { ($0.address.description, $0) }, uniquingKeysWith: { first, _ in first })
        for change in changes {
            guard let now = freshByAddress[change.address], now.operation.rawValue == change.operation,
                  now.fingerprint == change.fingerprint else {
                return "plan is stale: \(change.address) changed since the plan was made"
            }
            for parameter in now.parameters where parameter.sensitive {
                if let saved = change.sensitiveDigests[parameter.name], saved != parameter.after?.text {
                    return "plan is stale: the sensitive value '\(parameter.name)' of \(change.address) is not the one the plan was made with"
                }
            }
        }
        let savedAddresses = Set(changes.map(\.address))
        if let extra = fresh.changes.first(where: { !savedAddresses.contains($0.address.description) }) {
            return "plan is stale: \(extra.address) changed since the plan was made"
        }
        return nil
    }
}

/// Why a saved plan could not be read.
public enum PlanFileError: Error, Sendable, CustomStringConvertible {
    case unreadable(String, String)
    case malformed(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "could not read the saved plan \(path): \(reason)"
        case .malformed(let path, let reason): return "\(path) is not a saved tend plan: \(reason)"
        }
    }
}
