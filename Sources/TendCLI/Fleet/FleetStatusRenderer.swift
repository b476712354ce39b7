import Foundation
import TendCore
import TendReport

/// Text and JSON for `tend fleet status` and `tend fleet history`. Host names and addresses come from other
/// machines: shown with their control characters escaped.
struct FleetStatusRenderer {
    let now: Date

    func text(_ hosts: [FleetHostStatus]) -> String {
        guard !hosts.isEmpty else { return "No host has reported yet.\n" }
        var rows = [["HOST", "ID", "LAST RUN", "RESULT", "AGE", "DRIFT", "FAILED", "CONVERGED"]]
        for host in hosts {
            rows.append([
                TerminalText.escape(host.hostname), String(host.hostID.prefix(8)),
                host.lastRunID.map { "\(host.lastRunKind ?? "run") #\($0)" } ?? "-", host.lastRunStatus ?? "-",
                host.lastRunAt.map(age) ?? "-", String(host.driftCount), String(host.failedCount),
                host.lastConvergedAt.map { age($0) + " ago" } ?? "never",
            ])
        }
        var out = table(rows)
        for host in hosts where host.driftCount > 0 || host.failedCount > 0 {
            out += "\n\(TerminalText.escape(host.hostname)) (\(host.hostID.prefix(8))):\n"
            for line in host.drift.prefix(10) { out += "  pending  \(TerminalText.escape(line))\n" }
            if host.driftCount > 10 { out += "  ... and \(host.driftCount - 10) more pending\n" }
            for line in host.failedWaiting.prefix(10) { out += "  failed   \(TerminalText.escape(line))\n" }
        }
        let drifted = hosts.filter { $0.driftCount > 0 }.count, failing = hosts.filter { $0.failedCount > 0 }.count
        out += "\n\(hosts.count) host\(hosts.count == 1 ? "" : "s"): \(drifted) with drift, \(failing) with failed changes.\n"
        return out
    }

    func json(_ hosts: [FleetHostStatus]) -> String {
        JSON.array(hosts.map { host in
            .object([
                ("host", .string(host.hostname)), ("hostId", .string(host.hostID)),
                ("lastSeen", .string(iso(host.lastSeen))),
                ("lastRun", host.lastRunID.map { id in
                    .object([("id", .int(Int(id))), ("kind", .string(host.lastRunKind ?? "")),
                             ("result", .string(host.lastRunStatus ?? "")),
                             ("endedAt", host.lastRunAt.map { .string(iso($0)) } ?? .null),
                             ("ageSeconds", host.lastRunAt.map { .int(Int(now.timeIntervalSince($0))) } ?? .null)])
                } ?? .null),
                ("lastConvergedAt", host.lastConvergedAt.map { .string(iso($0)) } ?? .null),
                ("drift", .array(host.drift.map(JSON.string))), ("driftCount", .int(host.driftCount)),
                ("failedWaiting", .array(host.failedWaiting.map(JSON.string))), ("failedCount", .int(host.failedCount)),
            ])
        }).pretty + "\n"
    }

    func text(_ runs: [FleetRunSummary], hostname: String, hostID: String) -> String {
        let out = "\(TerminalText.escape(hostname)) (\(hostID)):\n"
        guard !runs.isEmpty else { return out + "  no runs reported\n" }
        var rows = [["RUN", "KIND", "RESULT", "STARTED", "CHANGED", "FAILED", "PENDING"]]
        for run in runs {
            rows.append(["#\(run.runID)", run.kind, run.status, iso(run.startedAt), String(run.changed),
                         String(run.failed), String(run.pending)])
        }
        return out + table(rows)
    }

    func json(_ runs: [FleetRunSummary]) -> String {
        JSON.array(runs.map { run in
            .object([("id", .int(Int(run.runID))), ("kind", .string(run.kind)), ("result", .string(run.status)),
                     ("startedAt", .string(iso(run.startedAt))), ("endedAt", run.endedAt.map { .string(iso($0)) } ?? .null),
                     ("changed", .int(run.changed)), ("failed", .int(run.failed)), ("pending", .int(run.pending))])
        }).pretty + "\n"
    }

    private func table(_ rows: [[String]]) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    private func age(_ date: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86400: return "\(seconds / 3600)h"
        default: return "\(seconds / 86400)d"
        }
    }

    /// UTC, to the second. Written by hand: a date formatter per host costs more than the query on a large fleet.
    private func iso(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
