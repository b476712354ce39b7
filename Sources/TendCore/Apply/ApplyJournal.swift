/// Where the executor records each change as it happens: begun before the host is touched, then completed
/// with outputs or failed. The state store implements it; tests may pass none.
public protocol ApplyJournal: Sendable {
    /// Opens a transaction for `change`; returns its token.
    func begin(_ request: ChangeRequest) throws -> String
    /// Closes it as done with the result (outputs merged, updated parameters) and the report.
    func succeeded(token: String, request: ChangeRequest, result: ChangeResult, report: OperationReport) throws
    /// Records it as failed with the report, for `tend recover`.
    func failed(token: String, request: ChangeRequest, report: OperationReport) throws
    /// Records a change that was never started (a dependency failed, or the run stopped).
    func skipped(_ change: ResourceChange, report: OperationReport) throws
    /// The run's id, for reports.
    var runID: Int64 { get }
}
