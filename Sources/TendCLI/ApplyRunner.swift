import ArgumentParser
import Foundation
import TendCore

/// What apply and destroy share: the state, the lock, progress, Ctrl-C, confirmation and the summary.
struct ApplyRunner {
    let options: ConfigOptions
    let run: RunOptions
    let state: StateOptions
    let command: String

    /// A saved plan was approved when it was made: applying it asks nothing.
    var approved = false
    /// `--progress json`: events as JSON lines on standard output, text for people on standard error.
    var jsonProgress = false

    @discardableResult
    func execute(mode: (Machine) throws -> ApplySession.Mode) async throws -> ApplySession.Outcome {
        guard run.yes || approved || Self.canAsk() else {
            throw ValidationError("\(command) changes this machine; without a terminal to ask on, pass --yes")
        }
        let color = options.color(for: .standardOutput)
        let events = jsonProgress ? JSONLinesProgress() : nil
        let text: Terminal.Stream = events == nil ? .standardOutput : .standardError
        let progress: any ApplyProgress & ProgressFlushing
        if let events {
            progress = events
        } else if Terminal.isTerminal(.standardOutput) {
            progress = LiveProgress(color: color, verbose: run.verbose)
        } else {
            progress = PlainProgress(verbose: run.verbose)
        }
        let facts = HostFacts.current()
        var live: (@Sendable (Command, SystemProcessRunner.Stream, [UInt8]) -> Void)?
        if run.verbose {
            // A sensitive resource's commands may print its secrets: their output is not shown.
            live = { command, _, bytes in if !command.hidesOutput { progress.output(bytes) } }
        }
        let runner = SystemProcessRunner(terminationGrace: 3, baseEnvironment: facts.environment, liveOutput: live)
        let context = CommandContext(options: options, runner: runner)
        guard let config = context.loadConfig() else { throw ExitCode(1) }
        let stop = StopSignal()
        let signals = InterruptHandler(stop: stop)
        signals.install()
        let statePath = state.path(host: context.host)
        let mode = try mode(context.host)
        let partial: Bool
        if case .apply(let selection) = mode { partial = !selection.isEverything } else { partial = false }
        let isDestroy: Bool
        if case .destroy = mode { isDestroy = true } else { isDestroy = false }
        var engine = context.engine
        engine.secrets = try context.run { try SecretKeyFile.digest(forState: statePath) }
        let store = try context.run { try state.open(host: context.host) }
        let reportURL = FleetReporting.url(config: config, environment: context.host.facts.environment)
        var session = try context.run {
            ApplySession(engine: engine, store: store,
                         lock: StateLock(statePath: statePath), lockTimeout: run.lockTimeout, jobs: run.jobs,
                         progress: progress, stop: stop,
                         interaction: ConsoleInteraction(autoApprove: run.yes, color: color, home: context.host.home,
                                                         partial: partial, destroying: isDestroy, events: events),
                         command: command)
        }
        session.reporting = reportURL != nil
        let outcome = try await context.run { try await session.run(config: config, mode: mode) }
        progress.flush()
        if case .nothingToDo(let plan) = outcome { events?.planned(plan) }
        events?.result(outcome)
        if let reportURL { FleetReporting.deliver(store: store, url: reportURL) }
        switch outcome {
        case .nothingToDo(let plan):
            Terminal.write(PlanTextRenderer(home: context.host.home, partial: partial).render(plan), to: text)
        case .declined:
            Terminal.write("Nothing was changed.\n", to: text)
            throw ExitCode(1)
        case .applied(_, let summary, let runID):
            for address in summary.order {
                if case .failed(let message, _, _)? = summary.outcomes[address] {
                    // Lines after the first quote a command's output: indented, so none passes for tend's own.
                    let text = TerminalText.escapeLines(message).replacingOccurrences(of: "\n", with: "\n    ")
                    Terminal.write(TerminalText.escape(address.description) + ": " + text + "\n", to: .standardError)
                }
            }
            for problem in summary.stateProblems { Terminal.write("state: \(problem)\n", to: .standardError) }
            let line = isDestroy ? summary.summaryLine.replacingOccurrences(of: "Apply ", with: "Destroy ")
                : summary.summaryLine
            Terminal.write(line + " (run \(runID); 'tend report' shows it)\n", to: text)
            if summary.interrupted { throw ExitCode(130) }
            if !summary.succeeded { throw ExitCode(1) }
        }
        return outcome
    }

    /// Whether apply may ask for its go-ahead: the answer is read from standard input, so that is the stream
    /// that must be a terminal; standard output may be a pipe, as in `tend apply | tee log`.
    static func canAsk(standardInput: Int32 = STDIN_FILENO) -> Bool {
        isatty(standardInput) == 1
    }
}

/// Asks on the terminal, or takes --yes; gets sudo when the plan needs root.
struct ConsoleInteraction: ApplyInteraction {
    let autoApprove: Bool
    let color: Bool
    let home: String
    /// Only some resources were selected (--target, --tag): the plan says it is partial.
    var partial = false
    /// A destroy asks about destroying, not applying.
    var destroying = false
    /// With `--progress json` the plan is an event, and its text goes to standard error.
    var events: JSONLinesProgress?

    func review(_ plan: Plan) async -> Bool {
        events?.planned(plan)
        Terminal.write(PlanTextRenderer(color: color, home: home, partial: partial).render(plan),
                       to: events == nil ? .standardOutput : .standardError)
        if autoApprove { return true }
        Terminal.write(destroying ? "\nDestroy these resources? Only 'yes' is accepted: "
                                  : "\nApply these changes? Only 'yes' is accepted: ")
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces)
        return answer == "yes"
    }

    func acquirePrivileges() async throws {
        guard SystemProcessRunner.resolve("sudo", path: ProcessInfo.processInfo.environment["PATH"]) != nil else {
            throw ApplyError.privileges("this plan needs root (packages, or files outside your home), and sudo is not installed; run tend as root")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SystemProcessRunner.resolve("sudo", path: ProcessInfo.processInfo.environment["PATH"])!)
        // One password prompt up front on a terminal; without one, only passwordless sudo can work.
        process.arguments = isatty(STDIN_FILENO) == 1 ? ["-v"] : ["-n", "-v"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ApplyError.privileges("this plan needs root and sudo refused (sudo -v exited \(process.terminationStatus)); nothing was changed")
        }
    }

    func note(_ text: String) {
        Terminal.write("note: \(TerminalText.escape(text))\n", to: .standardError)
    }
}
