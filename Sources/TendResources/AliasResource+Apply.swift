import TendCore

/// Aliases go into tend's profile through `ProfileWriter`, one write per batch.
extension AliasResource {
    public var batchSize: Int { ProfileWriter.batchSize }
    public var lockGroup: String? { ProfileWriter.lockGroup }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        ProfileWriter.apply(requests, context: context) { request, profile in
            let name = request.resource.parameters["name"]?.stringValue ?? request.address.key
            if request.operation == .destroy {
                profile.aliases[name] = nil
                return nil
            }
            let value = request.value("value", schema: schema)?.text ?? ""
            if let problem = ShellProfile.problem(alias: name, value: value) { return problem }
            profile.aliases[name] = value
            if ShellProfile.fishReservedAliasNames.contains(name) {
                context.log("alias \(name) is a reserved word in fish, so fish does not get it")
            }
            return nil
        }
    }
}
