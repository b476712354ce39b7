import TendCore

/// Aliases go into tend's profile through `ProfileWriter`, one write per batch.
extension AliasResource {
    public var batchSize: Int { ProfileWriter.batchSize }
    public var lockGroup: String? { ProfileWriter.lockGroup }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        ProfileWriter.applyNamedValues(requests, context: context, schema: schema, entries: \.aliases,
                                       problem: { ShellProfile.problem(alias: $0, value: $1) },
                                       written: { name in
            if ShellProfile.fishReservedAliasNames.contains(name) {
                context.log("alias \(name) is a reserved word in fish, so fish does not get it")
            }
        })
    }
}
