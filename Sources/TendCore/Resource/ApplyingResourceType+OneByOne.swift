extension ApplyingResourceType {
    /// Applies `requests` one at a time with `body`, for types whose changes share nothing a batch could merge.
    /// What `body` throws becomes that request's failure, worded by `failure` (by default the error as it is);
    /// the other requests go on.
    public func applyOneByOne(
        _ requests: [ChangeRequest],
        failure: (ChangeRequest, any Error) -> ApplyFailure = { ApplyFailure(error: $1) },
        _ body: (ChangeRequest) async throws -> ChangeResult
    ) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            do {
                outcomes[request.address] = .success(try await body(request))
            } catch {
                outcomes[request.address] = .failure(failure(request, error))
            }
        }
        return outcomes
    }
}
