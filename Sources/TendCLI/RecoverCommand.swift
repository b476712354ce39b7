import ArgumentParser
import Foundation
import TendCore

/// `tend recover [TOKEN]`: list changes that failed half-way, and resolve one.
struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "List changes that failed, and retry, mark done, or forget one.",
        discussion: """
        Without a token, lists the failed changes. With one, resolves it:
          --retry   apply that resource again (and what it depends on)
          --done    you fixed it by hand: record it as applied
          --forget  drop the record; the machine is not touched

        Examples:
          tend recover
          tend recover 3f9c2a81b0de --retry
          tend recover 3f9c2a81b0de --done
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

    func validate() throws {
        if token != nil && resolution == nil { throw ValidationError("say how to resolve it: --retry, --done or --forget") }
        if token == nil && resolution != nil { throw ValidationError("name the failed change's token (run 'tend recover' to list them)") }
    }

    func run() async throws {
        let context = CommandContext(options: options)
        let store = try context.run { try stateOptions.open(host: context.host) }
        let pending = try context.run { try store.pendingTransactions().filter { $0.status == .failed } }
        guard let token, let resolution else {
            if pending.isEmpty {
                Terminal.write("No failed changes.\n")
                return
            }
            for change in pending {
                Terminal.write("\(change.token)  \(change.operation.rawValue) \(TerminalText.escape(change.address.description))  (run \(change.runID), "
                               + RunReportRenderer.time(change.startedAt) + ")\n    " + TerminalText.escapeLines(change.error ?? "failed")
                                   .replacingOccurrences(of: "\n", with: "\n    ") + "\n")
            }
            Terminal.write("\nResolve one with: tend recover TOKEN --retry | --done | --forget\n")
            return
        }
        guard let change = pending.first(where: { $0.token == token }) else {
            throw context.fail(StateError.unknownTransaction(token))
        }
        switch resolution {
        case .forget:
            try context.run { try store.closeTransaction(token: token) }
            Terminal.write("Forgot the failed \(change.operation.rawValue) of \(change.address); nothing on this machine was changed.\n")
        case .done:
            guard let config = context.loadConfig() else { throw ExitCode(1) }
            try context.run {
                if let spec = config.resource(change.address), change.operation != .destroy {
                    var record = try store.managedResource(change.address) ?? ManagedResource(
                        address: spec.address, type: spec.type, parameters: [:],
                        createdByTend: change.operation == .create, configPaths: [])
                    record.parameters = spec.parameters.filter { !spec.sensitive.contains($0.key) }
                    if !record.configPaths.contains(config.rootPath) { record.configPaths.append(config.rootPath) }
                    try store.saveManagedResource(record)
                } else {
                    try store.forget(change.address)
                }
                try store.closeTransaction(token: token)
            }
            Terminal.write("Recorded the \(change.operation.rawValue) of \(change.address) as done.\n")
        case .retry:
            try context.run { try store.closeTransaction(token: token) }
            let runner = ApplyRunner(options: options, run: run, state: stateOptions, command: "tend recover --retry")
            try await runner.execute { _ in .apply(Planner.Selection(targets: [change.address])) }
        }
    }
}
