import TendCore

/// How a managed resource reads in `tend state list --json` and `tend state show`: what tend recorded about it,
/// including what rule 1 and the destroy order rely on (`keep`, the run that last wrote it, `dependsOn`) and the
/// backups kept under its address.
enum StateDescription {
    static func json(_ record: ManagedResource, backups: [Backup]?) -> JSON {
        var fields: [(String, JSON)] = [
            ("address", .string(record.address.description)), ("type", .string(record.type)),
            ("createdByTend", .bool(record.createdByTend)),
            ("keep", .bool(record.keep)),
            // The run only: the footprint itself is tend's bookkeeping and may derive from a secret.
            ("lastWrittenRun", record.writtenRun.map { .int(Int($0)) } ?? .null),
            ("dependsOn", .array(record.dependsOn.map { .string($0.description) })),
            ("parameters", Value.map(record.parameters).json), ("outputs", Value.map(record.outputs).json),
            ("configs", .array(record.configPaths.map { .string($0) })),
            ("updatedAt", .string(RunReportRenderer.time(record.updatedAt))),
        ]
        if let backups { fields.append(("backups", .array(backups.map(BackupDescription.json)))) }
        return .object(fields)
    }

    static func text(_ record: ManagedResource, backups: [Backup], home: String) -> String {
        // Each line escaped: addresses, paths and values may hold control characters (issue 10).
        var out = "\(TerminalText.escape(record.address.description))\n  \(record.createdByTend ? "created by tend" : "adopted: it was there before tend")\n"
        out += "  declared by: " + TerminalText.escape(record.configPaths.joined(separator: ", ")) + "\n"
        out += "  keep: " + (record.keep ? "yes (leaving the config releases it, never destroys it)" : "no") + "\n"
        out += "  last written: " + lastWritten(record) + "\n"
        out += "  depends on: " + (record.dependsOn.isEmpty ? "nothing"
            : TerminalText.escape(record.dependsOn.map(\.description).joined(separator: ", "))) + "\n"
        for key in record.parameters.keys.sorted() { out += "  " + TerminalText.escape("\(key): \(record.parameters[key]!)") + "\n" }
        for key in record.outputs.keys.sorted() { out += "  output " + TerminalText.escape("\(key): \(record.outputs[key]!)") + "\n" }
        if backups.isEmpty {
            out += "  backups: none\n"
        } else {
            out += "  backups (see 'tend backups show ID'):\n"
            for backup in backups { out += "    " + TerminalText.escape(BackupDescription.line(backup, home: home)) + "\n" }
        }
        return out
    }

    /// Which run left what tend compares before a destructive step (types that leave nothing a user edits,
    /// such as packages, have none).
    private static func lastWritten(_ record: ManagedResource) -> String {
        if let run = record.writtenRun { return "by run \(run)" }
        return record.written != nil ? "recorded, run unknown" : "not recorded"
    }
}
