import Foundation

/// Facts about processes on this machine, for telling a run or a lock holder that died from one that is busy.
enum LocalProcess {
    /// This machine's name as `gethostname(2)` gives it (no DNS lookup), up to the first dot, as `HostFacts` has it.
    static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return shortName(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// True only when `pid` names no process on this machine (`kill(pid, 0)` fails with ESRCH). A process of
    /// another user (EPERM) is alive; a pid on another host cannot be checked, so it is never called gone.
    /// Host names are compared up to their first dot (`box` and `box.example.org` are one machine).
    static func isGone(pid: Int32, hostname: String) -> Bool {
        guard pid > 0, shortName(hostname) == LocalProcess.hostname else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    private static func shortName(_ name: String) -> String {
        name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
    }
}
