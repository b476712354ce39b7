import Foundation

/// Turns chunks of output into whole lines (a chunk may end mid-line); a line longer than the limit is cut,
/// so a remote that never prints a newline cannot grow memory without bound.
final class LineSplitter: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [UInt8] = []
    private let limit: Int
    private let deliver: @Sendable (String) -> Void

    init(limit: Int = 1 << 20, _ deliver: @escaping @Sendable (String) -> Void) {
        self.limit = limit
        self.deliver = deliver
    }

    func add(_ bytes: [UInt8]) {
        let lines: [String] = lock.withLock {
            pending += bytes
            var out: [String] = []
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                out.append(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
            if pending.count > limit {
                out.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll()
            }
            return out
        }
        lines.forEach(deliver)
    }

    func finish() {
        let rest: [UInt8] = lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
        if !rest.isEmpty { deliver(String(decoding: rest, as: UTF8.self)) }
    }
}
