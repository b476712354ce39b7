import ArgumentParser
import Foundation
import TendCore
import TendResources

/// `tend doctor`: checks what tend needs on this machine and says how to fix each problem.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the config, the shell hooks, the state, sudo and package managers, and say how to fix each.",
        discussion: """
        Changes nothing. Starts bash, zsh and fish (those installed) as interactive shells to see whether they \
        load tend's profile. Exits 0 when nothing is wrong (warnings included), 1 when something is.

        Examples:
          tend doctor
          tend doctor -c work.yaml --json
        """
    )

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var stateOptions: StateOptions

    @Flag(help: "Print the checks as JSON.")
    var json = false

    func run() async throws {
        let context = CommandContext(options: configOptions)
        // The config's plugins serve some of its types: start them first, so that the doctor checks the config
        // as validate does.
        if FileManager.default.fileExists(atPath: configOptions.configPath()) {
            _ = context.loadConfigResult(path: configOptions.configPath())
        }
        let doctor = Doctor(engine: context.engine, explicitConfig: configOptions.config,
                            workingDirectory: FileManager.default.currentDirectoryPath,
                            statePath: stateOptions.path(host: context.host))
        let report = await doctor.examine()
        Terminal.write(json ? report.json.pretty + "\n" : report.text)
        if !report.isHealthy { throw ExitCode.failure }
    }
}
