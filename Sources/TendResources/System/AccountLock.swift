import TendCore

/// The account tools (chsh, gpasswd) refuse rather than wait while another holds the lock on /etc/passwd or
/// /etc/group ("cannot lock /etc/group; try again later"): such a failure is worth another attempt.
enum AccountLock {
    static func failure(_ error: any Error, _ message: String) -> ApplyFailure {
        let failure = ApplyFailure(error: error)
        var retryable = failure.retryable
        if case .failed(let result)? = error as? CommandError {
            retryable = retryable || result.errorOutput.contains("cannot lock") || result.errorOutput.contains("try again later")
        }
        return ApplyFailure("\(message): \(failure.message)", retryable: retryable)
    }
}
