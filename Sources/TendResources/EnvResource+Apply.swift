import TendCore

/// Variables go into tend's profile through `ProfileWriter`, one write per batch.
extension EnvResource {
    public var batchSize: Int { ProfileWriter.batchSize }
    public var lockGroup: String? { ProfileWriter.lockGroup }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        ProfileWriter.apply(requests, context: context) { request, profile in
            let name = request.resource.parameters["name"]?.stringValue ?? request.address.key
            if request.operation == .destroy {
                profile.environment[name] = nil
                return nil
            }
            let value = request.value("value", schema: schema)?.text ?? ""
            if let problem = ShellProfile.problem(variable: name, value: value) { return problem }
            profile.environment[name] = value
            return nil
        }
    }
}
