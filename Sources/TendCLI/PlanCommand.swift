import ArgumentParser
import Foundation
import TendCore

/// `tend plan`: refresh and show what apply would do; never changes the host or the state.
struct PlanCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change, touching nothing.",
        discussion: """
        Reads the config, checks what this machine has, and prints each change apply would make.

        Symbols:
          + create  ~ modify  ± recreate  - destroy  < release (forget, leave as it is)

        Examples:
          tend plan
          tend plan -c examples/workstation.yaml --target apt:ripgrep
          tend plan --format markdown > plan.md
          tend plan --out plan.json && tend apply plan.json
          tend plan --detailed-exitcode   (exit 0: no changes, 2: changes, 1: error)
        """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var stateOptions: StateOptions

    @Option(help: "The output format.")
    var format: Format = .text

    @Flag(help: "Print the plan as JSON (same as --format json).")
    var json = false

    @Option(help: ArgumentHelp("Also save the plan to this file, for 'tend apply FILE'.", valueName: "file"))
    var out: String?

    @Flag(help: "Exit 2 when there are changes, 0 when there are none (1 on errors).")
    var detailedExitcode = false

    func validate() throws {
        // Two answers to one question: refuse rather than pick one silently.
        if json && format != .text && format != .json {
            throw ValidationError("--json and --format \(format.rawValue) ask for two formats; give one of them")
        }
    }

    func run() async throws {
        let context = CommandContext(options: options)
        guard let config = context.loadConfig() else { throw ExitCode(1) }
        // The state is read when it exists; plan never creates or changes it. No state is an empty one, not none:
        // the plan still says what apply keeps as the original when it takes over something already there.
        let statePath = stateOptions.path(host: context.host)
        let store = try context.run { try stateOptions.openForReading(host: context.host) }
        var engine = context.engine
        // A saved plan's digests of secrets must match apply's, so they are keyed by the state's own key; without
        // --out the key is only read (plan writes nothing), and it seals the footprints the plan compares.
        if out != nil {
            engine.secrets = try context.run { try SecretKeyFile.digest(forState: statePath) }
        } else if let existing = try context.run({ try SecretKeyFile.existingDigest(forState: statePath) }) {
            engine.secrets = existing
        }
        let result = try await context.run {
            try await engine.plan(config: config, selection: selection.selection(home: context.host.home), state: store)
                .refusingProblems()
        }
        let plan = result.plan
        ExitRetention.keep(config)
        ExitRetention.keep(result)
        for failed in result.failedChanges {
            Terminal.write("note: the \(failed.operation.rawValue) of \(TerminalText.escape(failed.address.description)) failed in run \(failed.runID) and waits for 'tend recover \(failed.token)'\n",
                           to: .standardError)
        }
        let output: String
        let partial = !selection.targets.isEmpty || !selection.tags.isEmpty
        switch json ? .json : format {
        case .text: output = PlanTextRenderer(color: options.color(for: .standardOutput), home: context.host.home,
                                              partial: partial).render(plan)
        case .json: output = PlanJSONRenderer().render(plan)
        case .markdown: output = PlanMarkdownRenderer().render(plan)
        }
        Terminal.write(output)
        if let out {
            try context.run { try PlanFile.write(plan, to: out) }
            Terminal.write("Saved the plan to \(out); run 'tend apply \(out)' to apply exactly these changes.\n",
                           to: .standardError)
        }
        // With a report URL the plan's summary (the drift) goes to the fleet: through the outbox, so the state is
        // opened for writing (and made on first use) only then. A partial plan says nothing of the rest: not sent.
        if !partial, let url = FleetReporting.url(config: config, environment: context.host.facts.environment) {
            let writable = try context.run { () -> SQLiteStateStore in
                let store = try stateOptions.open(host: context.host)
                try store.enqueuePlanSummary(configPath: config.rootPath, hostname: context.host.facts.hostname,
                                             drift: plan.changes.map(DriftEntry.init(change:)))
                return store
            }
            FleetReporting.deliver(store: writable, url: url)
        }
        if detailedExitcode && !plan.isEmpty { throw ExitCode(2) }
    }
}

/// `--target` and `--tag`, shared by plan, apply and destroy.
struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("target"), help: ArgumentHelp(
        "Only this resource and what it depends on (repeatable), e.g. apt:git or file:~/.vimrc.", valueName: "address"),
        completion: .custom { _, _, _ in AddressCompletion.addresses() })
    var targets: [String] = []

    @Option(name: .customLong("tag"), help: ArgumentHelp("Only resources with this tag and what they depend on (repeatable).",
                                                         valueName: "tag"))
    var tags: [String] = []

    func selection(home: String) throws -> Planner.Selection {
        let addresses = try targets.map { text -> Address in
            guard let address = Address(parsing: text, home: home) else {
                throw ValidationError("'\(text)' is not an address: write TYPE:KEY, e.g. apt:git")
            }
            return address
        }
        return Planner.Selection(targets: addresses, tags: tags)
    }
}
