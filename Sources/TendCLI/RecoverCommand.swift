import ArgumentParser
import Foundation
import TendCore

/// `tend recover [TOKEN]`: list changes that failed half-way, and resolve one (or forget them all).
struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "List changes that failed, and retry, mark done, or forget one.",
        discussion: """
        Without a token, lists the failed changes. With one, resolves it:
          --retry   apply it again, with what it depends on, until it succeeds
          --done    you fixed it by hand: record it as applied
          --forget  drop the record; the machine is not touched (--all: every one)

        A later apply that changes the same resource successfully closes its record too.

        Examples:
          tend recover
          tend recover 3f9c2a81b0de --retry
          tend recover 3f9c2a81b0de --done
          tend recover --forget --all
        """
    )

    enum Resolution: String, EnumerableFlag { case retry, done, forget }

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var run: RunOptions

    @Argument(help: "The failed change's token, from the list.")
    var token: String?

    @Flag(exclusivity: .exclusive, help: "How to resolve the change.")
    var resolution: Resolution?

    @Flag(help: "With --forget: every failed change.")
    var all = false

    func validate() throws {
        if all {
            guard resolution == .forget, token == nil else { throw ValidationError("--all goes with --forget and no token") }
            return
        }
        if token != nil && resolution == nil { throw ValidationError("say how to resolve it: --retry, --done or --forget") }
        if token == nil && resolution != nil { throw ValidationError("name the failed change's token (run 'tend recover' to list them)") }
    }

    func run() async throws {
        let context = CommandContext(options: options)
        guard let resolution else { return try list(context) }
        if all {
            let forgotten = try context.run {
                try stateOptions.withLock(host: context.host, command: "tend recover --forget --all",
                                          lockTimeout: run.lockTimeout) { try $0.forgetFailedChanges() }
            }
            Terminal.write("Forgot \(forgotten.count) failed change\(forgotten.count == 1 ? "" : "s"); nothing on this machine was changed.\n")
            return
        }
        let token = self.token!
        // An open change can be resolved too: under the lock no apply runs, so its run was killed.
        let change = try context.run { () -> TransactionRecord in
            let pending = try stateOptions.openForReading(host: context.host).pendingTransactions()
            guard let change = pending.first(where: { $0.token == token }) else { throw StateError.unknownTransaction(token) }
            return change
        }
        // The config of the run that failed, unless the user names another.
        var options = self.options
        if options.config == nil, let path = change.configPath { options.config = path }
        let resolved = CommandContext(options: options)
        switch resolution {
        case .forget:
            try context.run {
                try stateOptions.withLock(host: context.host, command: "tend recover --forget",
                                          lockTimeout: run.lockTimeout) { try $0.closeTransaction(token: token) }
            }
            Terminal.write("Forgot the failed \(change.operation.rawValue) of \(TerminalText.escape(change.address.description)); nothing on this machine was changed.\n")
        case .done:
            guard let config = resolved.loadConfig() else { throw ExitCode(1) }
            try context.run {
                let secrets = try SecretKeyFile.digest(forState: stateOptions.path(host: context.host))
                try stateOptions.withLock(host: context.host, command: "tend recover --done", lockTimeout: run.lockTimeout) {
                    try $0.markDone(change, spec: config.resource(change.address), configPath: config.rootPath,
                                    secrets: secrets)
                }
            }
            Terminal.write("Recorded the \(change.operation.rawValue) of \(TerminalText.escape(change.address.description)) as done.\n")
        case .retry:
            // The record stays until the change succeeds: the store closes it then, in the same transaction.
            let runner = ApplyRunner(options: options, run: run, state: stateOptions, command: "tend recover --retry")
            let outcome = try await runner.execute { _ in .apply(Planner.Selection(targets: [change.address])) }
            if case .nothingToDo = outcome {
                try context.run {
                    try stateOptions.withLock(host: context.host, command: "tend recover --retry",
                                              lockTimeout: run.lockTimeout) { try $0.closeTransaction(token: token) }
                }
                Terminal.write("\(TerminalText.escape(change.address.description)) already matches the config; its failed change is closed.\n")
            }
        }
    }

    private func list(_ context: CommandContext) throws {
        let pending = try context.run {
            try stateOptions.openForReading(host: context.host).pendingTransactions().filter { $0.status == .failed }
        }
        if pending.isEmpty {
            Terminal.write("No failed changes.\n")
            return
        }
        for change in pending {
            Terminal.write("\(change.token)  \(change.operation.rawValue) \(TerminalText.escape(change.address.description))  (run \(change.runID), "
                           + RunReportRenderer.time(change.startedAt) + (change.configPath.map { ", \(TerminalText.escape($0))" } ?? "")
                           + ")\n    " + TerminalText.escapeLines(change.error ?? "failed").replacingOccurrences(of: "\n", with: "\n    ") + "\n")
        }
        Terminal.write("\nResolve one with: tend recover TOKEN --retry | --done | --forget\n")
    }
}
