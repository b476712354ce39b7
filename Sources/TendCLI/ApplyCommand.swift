import ArgumentParser
import Foundation
import TendCore

/// `tend apply [PLANFILE]`: refresh, plan, confirm, change the host, verify.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make this machine match the config.",
        discussion: """
        Refreshes, shows the plan and asks before changing anything (without a terminal it needs --yes).
        Changes run in dependency order, several at once; each is verified afterwards. With a saved plan
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

    @Argument(help: ArgumentHelp("A plan saved by 'tend plan --out FILE', to apply exactly.", valueName: "planfile"))
    var planFile: String?

    func run() async throws {
        var options = self.options
        var saved: SavedPlan?
        let context = CommandContext(options: options)
        if let planFile {
            saved = try context.run { try PlanFile.read(planFile) }
            options.config = saved?.configPath
        }
        var runner = ApplyRunner(options: options, run: run, state: stateOptions, command: "tend apply")
        runner.approved = saved != nil
        if let saved {
            try await runner.execute { _ in .savedPlan(saved) }
        } else {
            try await runner.execute { host in .apply(try selection.selection(home: host.home)) }
        }
    }
}
