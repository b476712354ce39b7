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
                                : StateDescription.text(record, backups: backups, home: context.host.home))
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
        @Option(help: ArgumentHelp("Seconds to wait for another tend holding the state lock.",
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
