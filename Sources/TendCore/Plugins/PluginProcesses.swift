import Foundation

/// Every plugin process still running, so that none outlives tend: commands end with `exit()` in many places,
/// and an exit handler stops whatever is left.
final class PluginProcesses: @unchecked Sendable {
    static let shared = PluginProcesses()
    private let lock = NSLock()
    private var running: Set<Int32> = []
    private var installed = false

    func started(_ pid: Int32) {
        lock.withLock {
            running.insert(pid)
            if !installed {
                installed = true
                atexit { PluginProcesses.shared.killAll() }
            }
        }
    }

    func ended(_ pid: Int32) {
        _ = lock.withLock { running.remove(pid) }
    }

    /// SIGKILL to every plugin still running and its process group: tend is exiting, nobody waits for answers.
    func killAll() {
        let pids = lock.withLock { running }
        for pid in pids {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
    }
}
