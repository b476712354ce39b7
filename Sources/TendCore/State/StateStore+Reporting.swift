extension StateStore {
    /// A store with no outbox (the in-memory one) records the end of the run only.
    public func finishRun(id: Int64, status: RunRecord.Status, drift: [DriftEntry]?) throws {
        try finishRun(id: id, status: status)
    }

    public func enqueuePlanSummary(configPath: String, hostname: String, drift: [DriftEntry]) throws {}
}
