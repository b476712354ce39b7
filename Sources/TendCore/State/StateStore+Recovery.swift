/// How `tend recover` resolves a change that failed (or that a killed run left open) without running it again.
extension StateStore {
    /// Records `change` as done by hand and closes it. A destroy or release done by hand means tend no longer
    /// manages the resource. Any other change records the config's parameters when the config still declares
    /// the resource (`spec`); when it left the config, the record tend already has stays as it is, since tend
    /// cannot know what the user made of it, and the change is only closed.
    public func markDone(_ change: TransactionRecord, spec: ResourceSpec?, configPath: String?) throws {
        if change.operation == .destroy || change.operation == .release {
            if try managedResource(change.address) != nil { try forget(change.address) }
        } else if let spec {
            var record = try managedResource(change.address) ?? ManagedResource(
                address: spec.address, type: spec.type, parameters: [:],
                createdByTend: change.operation == .create, configPaths: [])
            record.parameters = StateJournal.storable(spec.parameters, sensitive: spec.sensitive)
            if let configPath, !record.configPaths.contains(configPath) { record.configPaths.append(configPath) }
            try saveManagedResource(record)
        }
        try closeTransaction(token: change.token)
    }

    /// Closes every failed change; returns them. Open changes are left alone: the next apply checks them.
    public func forgetFailedChanges() throws -> [TransactionRecord] {
        let failed = try pendingTransactions().filter { $0.status == .failed }
        for change in failed { try closeTransaction(token: change.token) }
        return failed
    }
}
