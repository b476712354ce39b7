/// How `tend recover` resolves a change that failed (or that a killed run left open) without running it again.
extension StateStore {
    /// Records `change` as done by hand, in one transaction with a report in the change's run. A destroy or
    /// release done by hand means tend no longer manages the resource (its backups stay, as after any destroy).
    /// Any other change records the config's parameters when the config still declares the resource (`spec`);
    /// when it left the config, the record tend already has stays as it is, since tend cannot know what the
    /// user made of it, and the change is only closed.
    public func markDone(_ change: TransactionRecord, spec: ResourceSpec?, configPath: String?,
                         secrets: SecretDigest) throws {
        let report = OperationReport(runID: change.runID, address: change.address, operation: change.operation,
                                     status: .succeeded, attempts: 0, duration: 0)
        if change.operation == .destroy || change.operation == .release {
            try completeTransaction(token: change.token, report: report, managed: nil, removeManaged: true)
        } else if let spec {
            var record = try managedResource(change.address) ?? ManagedResource(
                address: spec.address, type: spec.type, parameters: [:],
                createdByTend: change.operation == .create, configPaths: [])
            record.parameters = StateJournal.storable(spec.parameters, sensitive: spec.sensitive, secrets: secrets)
            if let configPath, !record.configPaths.contains(configPath) { record.configPaths.append(configPath) }
            try completeTransaction(token: change.token, report: report, managed: record, removeManaged: false)
        } else {
            try completeTransaction(token: change.token, report: report, managed: nil, removeManaged: false)
        }
    }

    /// Closes every failed change; returns them. Open changes are left alone: the next apply checks them.
    public func forgetFailedChanges() throws -> [TransactionRecord] {
        let failed = try pendingTransactions().filter { $0.status == .failed }
        for change in failed { try closeTransaction(token: change.token) }
        return failed
    }
}
