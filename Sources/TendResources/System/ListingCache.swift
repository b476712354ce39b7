import Foundation

/// The values a tool listed at the last refresh, for `footprint(of:)`, which may not spawn a process: the plan asks
/// for footprints right after refresh, so the listing refresh made is what is there now. Apply records each value
/// it sets, so a footprint taken after a change sees it.
final class ListingCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]
    private var filled = false

    /// Replaces the whole listing.
    func replace(_ listing: [String: String]) {
        lock.withLock {
            values = listing
            filled = true
        }
    }

    func record(_ value: String?, for name: String) {
        lock.withLock { values[name] = value }
    }

    /// The value listed for `name`; `.some(nil)` when the listing has no such name, nil before any listing.
    func lookup(_ name: String) -> String?? {
        lock.withLock { filled ? .some(values[name]) : nil }
    }
}
