import ArgumentParser
import Foundation
import TendCore

/// `tend backups list [ADDR] | show ID | restore ID [--to PATH] | prune --older-than AGE`.
struct BackupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backups",
        abstract: "List and restore what tend kept before it deleted, overwrote or put back anything.",
        discussion: """
        Examples:
          tend backups list
          tend backups list file:~/.bashrc --json
          tend backups show 12
          tend backups restore 12 --to /tmp/bashrc.old
          tend backups prune --older-than 30d
        """,
        subcommands: [List.self, Show.self, Restore.self, Prune.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List backups, oldest first.")
        @OptionGroup var stateOptions: StateOptions
        @Argument(help: "Only the backups of this address, e.g. file:~/.bashrc.") var address: String?
        @Flag(help: "Print as JSON.") var json = false

        func run() throws {
            let context = CommandContext(options: nil)
            let parsed = try address.map(BackupsCommand.parse)
            let backups = try context.run {
                try BackupCatalog(store: try stateOptions.openForReading(host: context.host)).list(parsed)
            }
            if json {
                Terminal.write(JSON.array(backups.map(BackupDescription.json)).pretty + "\n")
            } else if backups.isEmpty {
                Terminal.write("tend keeps no backups" + (address.map { " of \($0)" } ?? "") + ".\n")
            } else {
                for backup in backups { Terminal.write(BackupDescription.line(backup, home: context.host.home) + "\n") }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show",
                                                        abstract: "Show one backup and the bytes it keeps.")
        @OptionGroup var stateOptions: StateOptions
        @Argument(help: "The backup's id, from 'tend backups list'.") var id: Int64

        func run() throws {
            let context = CommandContext(options: nil)
            let (backup, contents) = try context.run {
                try BackupCatalog(store: try stateOptions.openForReading(host: context.host)).show(id)
            }
            Terminal.write(BackupDescription.text(backup, contents: contents, home: context.host.home))
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Put a backup back (checked against its digest); what is there is kept first.")
        @OptionGroup var stateOptions: StateOptions
        @Argument(help: "The backup's id, from 'tend backups list'.") var id: Int64
        @Option(help: ArgumentHelp("Write it here instead of where it came from.", valueName: "path")) var to: String?

        func run() throws {
            let context = CommandContext(options: nil)
            let target = to.map { PathNormalizer.absolute($0, home: context.host.home,
                                                          base: FileManager.default.currentDirectoryPath) }
            let written = try context.run { () -> String in
                let path = stateOptions.path(host: context.host)
                let lock = StateLock(statePath: path)
                if let note = try lock.acquire(holder: LockHolder.current(command: "tend backups restore"), timeout: 0) {
                    Terminal.write(note + "\n", to: .standardError)
                }
                defer { lock.release() }
                return try BackupCatalog(store: try stateOptions.open(host: context.host)).restore(id, to: target)
            }
            Terminal.write("restored backup \(id) to \(PathNormalizer.addressForm(written, home: context.host.home))\n")
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Remove backups older than an age; originals a release still needs stay.")
        @OptionGroup var stateOptions: StateOptions
        @Option(help: ArgumentHelp("An age such as 30d, 12h or 90m.", valueName: "age")) var olderThan: String

        func run() throws {
            let context = CommandContext(options: nil)
            guard let age = BackupsCommand.age(olderThan) else {
                throw ValidationError("'\(olderThan)' is not an age: write a number with d, h, m or s, e.g. 30d")
            }
            let removed = try context.run { () -> [Backup] in
                let lock = StateLock(statePath: stateOptions.path(host: context.host))
                if let note = try lock.acquire(holder: LockHolder.current(command: "tend backups prune"), timeout: 0) {
                    Terminal.write(note + "\n", to: .standardError)
                }
                defer { lock.release() }
                return try BackupCatalog(store: try stateOptions.open(host: context.host)).prune(olderThan: age)
            }
            Terminal.write("removed \(removed.count) backup\(removed.count == 1 ? "" : "s")\n")
        }
    }

    static func parse(_ text: String) throws -> Address {
        guard let address = Address(parsing: text, home: HostFacts.current().home) else {
            throw ValidationError("'\(text)' is not an address: write TYPE:KEY")
        }
        return address
    }

    /// Seconds in `30d`, `12h`, `90m`, `45s`.
    static func age(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        guard let unit = text.last, let factor = units[unit], let number = Double(text.dropLast()), number >= 0 else {
            return nil
        }
        return number * factor
    }
}
