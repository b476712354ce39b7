import ArgumentParser
import Foundation
import TendCore

/// `tend apply [PLANFILE]`: refresh, plan, confirm, change the host, verify.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make this machine match the config.",
        discussion: """
        Refreshes, shows the plan and asks before changing anything; the question goes to the terminal \
        on standard input, so 'tend apply | tee log' still asks, and without a terminal it needs --yes. \
        Changes run in dependency order, several at once; each is verified afterwards. With a saved plan \
        (from 'tend plan --out FILE') apply runs exactly that plan, and refuses if the machine changed since.

        Examples:
          tend apply
          tend apply --yes -c examples/workstation.yaml
          tend apply --target apt:ripgrep
          tend plan --out plan.json && tend apply plan.json
        """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var run: RunOptions
    @OptionGroup var stateOptions: StateOptions

    @Option(help: ArgumentHelp("How progress is shown: text, or json (one JSON object per line per event on "
                               + "standard output; the rest goes to standard error).", valueName: "format"))
    var progress: ProgressFormat = .text

    @Argument(help: ArgumentHelp("A plan saved by 'tend plan --out FILE', to apply exactly.", valueName: "planfile"))
    var planFile: String?

    func run() async throws {
        var options = self.options
        var saved: SavedPlan?
        let context = CommandContext(options: options)
        if let planFile {
            let plan = try context.run { () -> SavedPlan in
                let plan = try PlanFile.read(planFile)
                // A saved plan is bound to the config it was made from; a different -c is a mistake to name, not
                // to ignore.
                if let given = options.config, !Self.samePath(given, plan.configPath, home: context.host.home) {
                    throw CommandFailure("\(planFile) was made from \(plan.configPath), not \(given); apply it "
                                         + "without -c, or make a new plan with 'tend plan -c \(given) --out FILE'")
                }
                return plan
            }
            saved = plan
            options.config = plan.configPath
        }
        var runner = ApplyRunner(options: options, run: run, state: stateOptions, command: "tend apply")
        runner.approved = saved != nil
        runner.jsonProgress = progress == .json
        if let saved {
            try await runner.execute { _ in .savedPlan(saved) }
        } else {
            try await runner.execute { host in .apply(try selection.selection(home: host.home)) }
        }
    }

    /// Whether two spellings name one file: equal as absolute paths, or once symbolic links are resolved.
    static func samePath(_ given: String, _ recorded: String, home: String) -> Bool {
        let absolute = PathNormalizer.absolute(given, home: home, base: FileManager.default.currentDirectoryPath)
        if absolute == recorded { return true }
        let resolve = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        return resolve(absolute) == resolve(recorded)
    }
}
