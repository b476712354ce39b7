import TendCore

/// Variables go into tend's profile through `ProfileWriter`, one write per batch.
extension EnvResource {
    public var batchSize: Int { ProfileWriter.batchSize }
    public var lockGroup: String? { ProfileWriter.lockGroup }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        ProfileWriter.applyNamedValues(requests, context: context, schema: schema, entries: \.environment,
                                       problem: { ShellProfile.problem(variable: $0, value: $1) })
    }
}
