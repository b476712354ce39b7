/// The plan as versioned JSON, in the shape DESIGN section 2 gives. For reports, sensitive values read
/// "(sensitive)"; in a saved plan they are digests, which apply checks again.
public struct PlanJSONRenderer: Sendable {
    public enum Purpose: Sendable { case report, savedPlan }

    public var purpose: Purpose

    public init(purpose: Purpose = .report) {
        self.purpose = purpose
    }

    public func json(_ plan: Plan) -> JSON {
        var top: [(String, JSON)] = [("formatVersion", .int(Plan.formatVersion))]
        if purpose == .savedPlan { top.append(("config", .string(plan.configPath))) }
        top.append(("configDigest", .string(plan.configDigest)))
        top.append(("changes", .array(plan.changes.map(change))))
        var summary: [(String, JSON)] = ResourceOperation.allCases.map { ($0.rawValue, .int(plan.count($0))) }
        summary.append(("unchanged", .int(plan.unchanged.count)))
        top.append(("summary", .object(summary)))
        return .object(top)
    }

    public func render(_ plan: Plan) -> String {
        json(plan).pretty + "\n"
    }

    private func change(_ change: ResourceChange) -> JSON {
        var fields: [(String, JSON)] = [
            ("address", .string(change.address.description)),
            ("type", .string(change.type)),
            ("operation", .string(change.operation.rawValue)),
            ("parameters", .array(change.parameters.map(parameter))),
            ("message", .string(change.message)),
            ("reason", .string(change.reason)),
            ("dependsOn", .array(change.dependsOn.map { .string($0.description) })),
            ("fingerprint", .string(change.fingerprint)),
        ]
        if purpose == .savedPlan, let diff = change.diff { fields.append(("diff", .string(diff))) }
        return .object(fields)
    }

    private func parameter(_ parameter: ParameterChange) -> JSON {
        func value(_ value: Value?, isAfter: Bool) -> JSON {
            guard let value else { return .null }
            if parameter.sensitive {
                return purpose == .report ? .string("(sensitive)") : .object([("digest", value.json)])
            }
            if isAfter && parameter.knownAfterApply && purpose == .report { return .string("(known after apply)") }
            return value.json
        }
        return .object([
            ("name", .string(parameter.name)),
            ("operation", .string(parameter.operation.rawValue)),
            ("before", value(parameter.before, isAfter: false)),
            ("after", value(parameter.after, isAfter: true)),
        ])
    }
}
