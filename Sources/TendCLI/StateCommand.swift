import ArgumentParser
import TendCore

/// `tend state list | show ADDR | forget ADDR`.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show or edit what tend remembers managing.",
        discussion: """
        Examples:
          tend state list
          tend state show file:~/.gitconfig
          tend state forget apt:sl       tend stops managing it; the machine is not touched
        """,
        subcommands: [List.self, Show.self, Forget.self]
    )

    struct List: ParsableCommand {
        // Named outright: deriving a name from the type costs reflection at every start of tend.
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List managed resources.",
                                                        discussion: "Examples:\n  tend state list\n  tend state list --json")
        @OptionGroup var stateOptions: StateOptions
        @Flag(help: "Print as JSON.") var json = false

        func run() throws {
            let context = CommandContext(options: nil)
            let records = try context.run { try stateOptions.openForReading(host: context.host).managedResources() }
            if json {
                Terminal.write(JSON.array(records.map { StateDescription.json($0, backups: nil) }).pretty + "\n")
            } else if records.isEmpty {
                Terminal.write("tend manages nothing yet.\n")
            } else {
                for record in records {
                    Terminal.write("\(TerminalText.escape(record.address.description))  (\(record.createdByTend ? "created by tend" : "adopted"))\n")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show",
                                                        abstract: "Show one managed resource and its backups.",
                                                        discussion: "Examples:\n  tend state show file:~/.vimrc --json")
        @OptionGroup var stateOptions: StateOptions
        @Argument(help: "The address, e.g. file:~/.vimrc.") var address: String
        @Flag(help: "Print as JSON.") var json = false

        func run() throws {
            let context = CommandContext(options: nil)
            let store = try context.run { try stateOptions.openForReading(host: context.host) }
            guard let parsed = Address(parsing: address, home: context.host.home) else {
                throw ValidationError("'\(address)' is not an address: write TYPE:KEY")
            }
            let record = try context.run { () -> ManagedResource in
                guard let record = try store.managedResource(parsed) else { throw StateError.unknownResource(address) }
                return record
            }
            let backups = try context.run { try store.backups(for: parsed) }
            Terminal.write(json ? StateDescription.json(record, backups: backups).pretty + "\n"
                                : StateDescription.text(record, backups: backups))
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forget",
            abstract: "Stop managing a resource; the machine is not touched.",
            discussion: "Examples:\n  tend state forget apt:sl")
        @OptionGroup var stateOptions: StateOptions
        @Argument(help: "The address, e.g. apt:sl.") var address: String
        @Flag(help: "Print the result as JSON.") var json = false
        @Option(help: ArgumentHelp("Seconds to wait for another tend holding the state lock (default 0).",
                                   valueName: "seconds"))
        var lockTimeout: Double = 0

        func run() throws {
            let context = CommandContext(options: nil)
            guard let parsed = Address(parsing: address, home: context.host.home) else {
                throw ValidationError("'\(address)' is not an address: write TYPE:KEY")
            }
            try context.run {
                try stateOptions.withLock(host: context.host, command: "tend state forget \(parsed)",
                                          lockTimeout: max(0, lockTimeout)) { store in
                    guard try store.managedResource(parsed) != nil else { throw StateError.unknownResource(address) }
                    try store.forget(parsed)
                }
            }
            Terminal.write(json ? JSON.object([("forgotten", .string(parsed.description))]).pretty + "\n"
                                : "tend no longer manages \(parsed); nothing on this machine was changed.\n")
        }
    }
}

/// How a managed resource reads in `tend state show` and `--json`.
enum StateDescription {
    static func json(_ record: ManagedResource, backups: [Backup]?) -> JSON {
        var fields: [(String, JSON)] = [
            ("address", .string(record.address.description)), ("type", .string(record.type)),
            ("createdByTend", .bool(record.createdByTend)),
            ("parameters", Value.map(record.parameters).json), ("outputs", Value.map(record.outputs).json),
            ("configs", .array(record.configPaths.map { .string($0) })),
            ("updatedAt", .string(RunReportRenderer.time(record.updatedAt))),
        ]
        if let backups {
            fields.append(("backups", .array(backups.map { backup in
                .object([("path", .string(backup.path)), ("kind", .string(backup.kind.rawValue)),
                         ("mode", .string(FileMode(bits: backup.mode).description)),
                         ("digest", backup.digest.map { .string($0) } ?? .null),
                         ("linkTarget", backup.linkTarget.map { .string($0) } ?? .null),
                         ("createdAt", .string(RunReportRenderer.time(backup.createdAt)))])
            })))
        }
        return .object(fields)
    }

    static func text(_ record: ManagedResource, backups: [Backup]) -> String {
        // Each line escaped: addresses, paths and values may hold control characters (issue 10).
        var out = "\(TerminalText.escape(record.address.description))\n  \(record.createdByTend ? "created by tend" : "adopted: it was there before tend")\n"
        out += "  declared by: " + TerminalText.escape(record.configPaths.joined(separator: ", ")) + "\n"
        for key in record.parameters.keys.sorted() { out += "  " + TerminalText.escape("\(key): \(record.parameters[key]!)") + "\n" }
        for key in record.outputs.keys.sorted() { out += "  output " + TerminalText.escape("\(key): \(record.outputs[key]!)") + "\n" }
        if backups.isEmpty {
            out += "  backups: none\n"
        } else {
            out += "  backups (put back when it leaves the config):\n"
            for backup in backups {
                out += "    " + TerminalText.escape("\(backup.kind.rawValue) \(backup.path), mode \(FileMode(bits: backup.mode))"
                    + (backup.digest.map { ", \($0)" } ?? "") + (backup.linkTarget.map { " -> \($0)" } ?? "")
                    + ", kept \(RunReportRenderer.time(backup.createdAt))") + "\n"
            }
        }
        return out
    }
}
