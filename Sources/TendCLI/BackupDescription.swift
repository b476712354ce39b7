import Foundation
import TendCore

/// How `tend backups` prints a backup.
enum BackupDescription {
    static func json(_ backup: Backup) -> JSON {
        var fields: [(String, JSON)] = [
            ("id", .int(Int(backup.id ?? 0))),
            ("address", .string(backup.address.description)),
            ("path", .string(backup.path)),
            ("kind", .string(backup.kind.rawValue)),
            ("reason", .string(backup.reason.rawValue)),
            ("run", backup.runID.map { .int(Int($0)) } ?? .null),
            ("time", .string(ISO8601DateFormatter().string(from: backup.createdAt))),
            ("size", .int(backup.size)),
            ("digest", backup.digest.map(JSON.string) ?? .null),
            ("mode", .string(String(format: "%04o", backup.mode))),
        ]
        if let target = backup.linkTarget { fields.append(("linkTarget", .string(target))) }
        return .object(fields)
    }

    /// `12  2026-12-03T14:40:00Z  run 7  311 bytes  edited outside tend  file:~/app.conf  ~/app.conf`.
    static func line(_ backup: Backup, home: String) -> String {
        [String(backup.id ?? 0), ISO8601DateFormatter().string(from: backup.createdAt),
         backup.runID.map { "run \($0)" } ?? "no run", "\(backup.size) bytes", backup.reason.rawValue,
         backup.address.description, shownPath(backup, home: home)].joined(separator: "  ")
    }

    static func text(_ backup: Backup, contents: [UInt8]?, home: String) -> String {
        var out = "backup \(backup.id ?? 0) of \(backup.address)\n"
        out += "  path:    \(shownPath(backup, home: home))\n"
        out += "  kind:    \(backup.kind.rawValue)\n"
        out += "  reason:  \(backup.reason.rawValue)\n"
        out += "  run:     \(backup.runID.map(String.init) ?? "none")\n"
        out += "  time:    \(ISO8601DateFormatter().string(from: backup.createdAt))\n"
        out += "  size:    \(backup.size) bytes\n"
        if let digest = backup.digest { out += "  digest:  \(digest)\n" }
        if backup.kind != .value { out += "  mode:    \(String(format: "%04o", backup.mode))\n" }
        if let target = backup.linkTarget { out += "  target:  \(target)\n" }
        if let contents {
            if let text = String(validating: contents, as: UTF8.self), !text.contains("\u{0}") {
                out += "\n" + text + (text.isEmpty || text.hasSuffix("\n") ? "" : "\n")
            } else {
                out += "\n(binary, \(contents.count) bytes: restore it with --to PATH to look at it)\n"
            }
        }
        return out
    }

    private static func shownPath(_ backup: Backup, home: String) -> String {
        backup.kind == .value ? backup.path : PathNormalizer.addressForm(backup.path, home: home)
    }
}
