import Foundation

/// Every plugin process still running, so that none outlives tend: commands end with `exit()` in many places,
/// and an exit handler ends whatever is left.
final class PluginProcesses: @unchecked Sendable {
    static let shared = PluginProcesses()
    private let lock = NSLock()
    /// Process id to the descriptor of its stdin.
    private var running: [Int32: Int32] = [:]
    private var installed = false

    func started(_ pid: Int32, input: Int32) {
        lock.withLock {
            running[pid] = input
            if !installed {
                installed = true
                atexit { PluginProcesses.shared.endAll() }
            }
        }
    }

    func ended(_ pid: Int32) {
        _ = lock.withLock { running.removeValue(forKey: pid) }
    }

    /// Closes every plugin's stdin, which asks it to exit, waits up to a second for them all, then sends
    /// SIGKILL to each that is still there, and to its process group.
    func endAll() {
        let plugins = lock.withLock { running }
        guard !plugins.isEmpty else { return }
        for input in plugins.values { close(input) }
        let deadline = Date().addingTimeInterval(1)
        var left = Set(plugins.keys)
        while !left.isEmpty && Date() < deadline {
            left = left.filter { kill($0, 0) == 0 && SystemProcessRunner.zombieWaitStatus(pid: $0) == nil }
            if !left.isEmpty { usleep(20_000) }
        }
        for pid in left {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
    }
}
