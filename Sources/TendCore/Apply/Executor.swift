import Foundation

/// Runs a plan's changes: dependencies first (destroys before everything else), as many at once as `jobs`
/// allows, never two of one lock group at once, ready changes of batchable types merged into one call,
/// retryable failures tried again with backoff, every change verified by refreshing it again, and a failed
/// change's dependents skipped while independent changes go on.
public struct Executor: Sendable {
    public var registry: TypeRegistry
    public var host: Machine
    public var jobs: Int
    public var journal: (any ApplyJournal)?
    public var backups: (any BackupKeeper)?
    public var progress: any ApplyProgress
    public var stop: StopSignal
    /// Outputs known before the run (from the state), for `${outputs...}` of resources not changed now.
    public var knownOutputs: [Address: [String: Value]]
    /// Overrides every resource's retry policy (tests use a zero backoff).
    public var retryOverride: RetryPolicy?

    public init(registry: TypeRegistry, host: Machine, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                journal: (any ApplyJournal)? = nil, backups: (any BackupKeeper)? = nil,
                progress: any ApplyProgress = SilentProgress(), stop: StopSignal = StopSignal(),
                knownOutputs: [Address: [String: Value]] = [:], retryOverride: RetryPolicy? = nil) {
        self.registry = registry
        self.host = host
        self.jobs = max(1, jobs)
        self.journal = journal
        self.backups = backups
        self.progress = progress
        self.stop = stop
        self.knownOutputs = knownOutputs
        self.retryOverride = retryOverride
    }

    /// Applies `plan`. `resources` are the specs of the plan's resources (orphans may be missing: they are
    /// destroyed from their stored parameters, given in `orphanSpecs`).
    public func apply(plan: Plan, resources: [ResourceSpec], observations: [Address: Observation]) async -> ApplySummary {
        let started = Date()
        var specs: [Address: ResourceSpec] = [:]
        for resource in resources { specs[resource.address] = resource }
        let run = ExecutionRun(executor: self, plan: plan, specs: specs, observations: observations)
        await run.execute()
        return ApplySummary(outcomes: run.outcomes, order: plan.changes.map(\.address), unchanged: plan.unchanged.count,
                            duration: Date().timeIntervalSince(started), interrupted: stop.isStopping,
                            stateProblems: run.stateProblems)
    }
}

/// What an apply did.
public struct ApplySummary: Sendable {
    public var outcomes: [Address: ChangeOutcome]
    public var order: [Address]
    public var unchanged: Int
    public var duration: Double
    public var interrupted: Bool
    /// Changes whose record in the state could not be written, one sentence each naming the address and the
    /// cause. Any of them makes the run unsuccessful: the state no longer tells what the host holds.
    public var stateProblems: [String] = []

    public var changed: Int { outcomes.values.filter(\.isSuccess).count }
    public var failed: Int { outcomes.values.filter { if case .failed = $0 { return true } else { return false } }.count }
    public var skipped: Int { outcomes.values.filter { if case .skipped = $0 { return true } else { return false } }.count }
    public var succeeded: Bool { failed == 0 && skipped == 0 && !interrupted && stateProblems.isEmpty }

    /// "Apply: 3 changed, 8 unchanged, 1 failed, 2 skipped in 4.2s."
    public var summaryLine: String {
        let time = duration < 10 ? String(format: "%.1fs", duration) : String(format: "%.0fs", duration)
        var line = "\(changed) changed, \(unchanged) unchanged, \(failed) failed, \(skipped) skipped in \(time)"
        if !stateProblems.isEmpty { line += ", \(stateProblems.count) not recorded in the state" }
        if interrupted { line += " (interrupted)" }
        return (succeeded ? "Apply complete: " : "Apply finished with problems: ") + line + "."
    }
}
