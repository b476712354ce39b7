import Foundation

/// The crontabs one run has read, by user: refresh fills it, rule 1's footprint reads it, so that a plan does not
/// run `crontab -l` twice for one user.
final class CrontabCache: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String: String] = [:]

    func set(_ text: String, for user: String) {
        lock.lock()
        defer { lock.unlock() }
        texts[user] = text
    }

    func text(for user: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return texts[user]
    }
}
