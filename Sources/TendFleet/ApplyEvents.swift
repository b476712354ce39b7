import Foundation
import TendCore

/// Reads the JSON lines a host's `tend apply --progress json` prints, shows each as a line for that host, and
/// keeps the final result event for the table.
final class ApplyEvents: @unchecked Sendable {
    private let host: String
    private let show: @Sendable (String, String) -> Void
    private let lock = NSLock()
    private var result: JSON?
    private var failures: [String] = []

    init(host: String, show: @escaping @Sendable (String, String) -> Void) {
        self.host = host
        self.show = show
    }

    func take(_ line: String) {
        guard let event = try? JSON.parse(line), let kind = event["event"]?.stringValue else {
            // Not an event: whatever the host printed is shown as it is (escaped by the display).
            if !line.isEmpty { show(host, line) }
            return
        }
        let address = event["address"]?.stringValue ?? ""
        switch kind {
        case "plan":
            let count = event["changes"]?.intValue ?? 0
            show(host, count == 0 ? "nothing to change" : "\(count) change\(count == 1 ? "" : "s") to make")
        case "start":
            show(host, "start   \(address): \(event["message"]?.stringValue ?? "")")
        case "finish":
            let status = event["status"]?.stringValue ?? "?"
            let detail = event["error"]?.stringValue ?? event["reason"]?.stringValue
            if status == "failed" { lock.withLock { failures.append(address + ": " + (detail ?? "failed")) } }
            let word = status == "succeeded" ? "done" : status
            show(host, "\(word.padding(toLength: 7, withPad: " ", startingAt: 0)) \(address)" + (detail.map { ": \($0)" } ?? ""))
        case "result":
            lock.withLock { result = event }
            show(host, event["summary"]?.stringValue ?? "done")
        default:
            break
        }
    }

    func outcome(exitStatus: Int32, errorTail: String) -> HostOutcome {
        lock.withLock {
            guard let result else {
                if !errorTail.isEmpty { show(host, errorTail) }
                return HostOutcome(host: host, result: .failed,
                                   message: errorTail.isEmpty ? "tend exited with status \(exitStatus)" : errorTail)
            }
            let changed = result["changed"]?.intValue ?? 0
            let failed = result["failed"]?.intValue ?? 0
            if exitStatus != 0 || result["status"]?.stringValue == "failed" {
                let why = failures.first ?? (errorTail.isEmpty ? "tend exited with status \(exitStatus)" : errorTail)
                return HostOutcome(host: host, result: .failed, changes: changed, failedChanges: failed,
                                   message: failures.count > 1 ? "\(why) (and \(failures.count - 1) more)" : why)
            }
            return HostOutcome(host: host, result: changed == 0 ? .converged : .changed, changes: changed)
        }
    }
}
