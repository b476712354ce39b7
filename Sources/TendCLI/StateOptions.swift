import ArgumentParser
import Foundation
import TendCore

/// Where the state lives, shared by every command that reads or writes it.
struct StateOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The state file (default: $TEND_STATE, else $XDG_STATE_HOME/tend/state.db).",
                               valueName: "path"))
    var state: String?

    func path(host: Machine) -> String {
        if let state { return PathNormalizer.absolute(state, home: host.home, base: FileManager.default.currentDirectoryPath) }
        return SQLiteStateStore.defaultPath(environment: host.facts.environment, home: host.home)
    }

    func open(host: Machine) throws -> SQLiteStateStore {
        try SQLiteStateStore(path: path(host: host))
    }

    /// Runs `body` with the state open and its lock held, after checking that the file is sound: the way every
    /// command that writes the state (forget, recover, backups) must reach it, so that it never interleaves
    /// with an apply. `command` names the holder in the error a second tend shows.
    func withLock<T>(host: Machine, command: String, lockTimeout: Double = 0,
                     _ body: (SQLiteStateStore) throws -> T) throws -> T {
        let store = try open(host: host)
        let lock = StateLock(statePath: store.path)
        if let note = try lock.acquire(holder: .current(command: command), timeout: lockTimeout) {
            Terminal.write("note: \(note)\n", to: .standardError)
        }
        defer { lock.release() }
        try store.checkIntegrity()
        return try body(store)
    }

    /// For commands that only read: an empty in-memory state when no state file exists yet, so that
    /// looking at the history never creates one.
    func openForReading(host: Machine) throws -> any StateStore {
        FileManager.default.fileExists(atPath: path(host: host)) ? try open(host: host) : InMemoryStateStore()
    }
}

/// Options of the commands that change the host: apply and destroy.
struct RunOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Apply without asking (required when not on a terminal).")
    var yes = false

    // Optional so that help prints the default once, in words, rather than this machine's core count.
    @Option(name: .customLong("jobs"), help: ArgumentHelp("How many changes may run at once (default: the number of cores).",
                                                          valueName: "n"))
    var requestedJobs: Int?

    var jobs: Int { requestedJobs ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: ArgumentHelp("Seconds to wait for another tend holding the state lock.", valueName: "seconds"))
    var lockTimeout: Double = 0

    @Flag(name: [.short, .long], help: "Show every command's output as it runs.")
    var verbose = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout cannot be negative") }
    }
}
