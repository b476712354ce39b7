import Foundation

/// What the command layer does for an apply that the engine cannot: show the plan and ask, get sudo, say things.
public protocol ApplyInteraction: Sendable {
    /// Shows the plan; returns false when the user declines.
    func review(_ plan: Plan) async -> Bool
    /// Called once before anything runs when the plan has privileged changes and tend is not root.
    func acquirePrivileges() async throws
    /// A note for the user (a lock taken over, an interrupted change reconciled).
    func note(_ text: String)
}

/// One apply or destroy from start to end: lock, reconcile what a killed run left open, plan, confirm, run,
/// record. DESIGN section 2 "Apply" and section 3.
public struct ApplySession: Sendable {
    public enum Mode: Sendable {
        /// Converge the selected resources to the config.
        case apply(Planner.Selection)
        /// Run a saved plan exactly, refusing when it is stale.
        case savedPlan(SavedPlan)
        /// Destroy these resources of the config (all when empty), in reverse dependency order.
        case destroy([Address], all: Bool)
    }

    public var engine: Engine
    public var store: any StateStore
    public var lock: StateLock
    public var lockTimeout: Double
    public var jobs: Int
    public var progress: any ApplyProgress
    public var stop: StopSignal
    public var interaction: any ApplyInteraction
    public var retryOverride: RetryPolicy?
    public var command: String
    /// Whether runs go to the outbox for the fleet's PostgreSQL (`report_to` or `TEND_REPORT_URL` is set).
    public var reporting = false

    public init(engine: Engine, store: any StateStore, lock: StateLock, lockTimeout: Double = 0,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, progress: any ApplyProgress,
                stop: StopSignal, interaction: any ApplyInteraction, retryOverride: RetryPolicy? = nil,
                command: String = "tend apply") {
        self.engine = engine
        self.store = store
        self.lock = lock
        self.lockTimeout = lockTimeout
        self.jobs = jobs
        self.progress = progress
        self.stop = stop
        self.interaction = interaction
        self.retryOverride = retryOverride
        self.command = command
    }

    /// How the session ended.
    public enum Outcome: Sendable {
        case nothingToDo(Plan)
        case declined(Plan)
        case applied(Plan, ApplySummary, runID: Int64)
    }

    public func run(config: Config, mode: Mode) async throws -> Outcome {
        // Implied resources (the shell hook) count as declared, for orphans, claims and `destroy --all` alike.
        let config = engine.addingImpliedResources(to: config)
        let waitLimit = lockTimeout
        let note = try lock.acquire(holder: LockHolder.current(command: command), timeout: lockTimeout, stop: stop) {
            [interaction] holder in
            interaction.note("waiting up to \(Self.seconds(waitLimit)) for the state lock"
                             + (holder.map { ", held by \($0)" } ?? "") + " (Ctrl-C stops waiting)")
        }
        if let note { interaction.note(note) }
        defer { lock.release() }
        // Before anything is written: a damaged state must not be written over (a run reads only some tables).
        try store.checkIntegrity()
        try await reconcileOpenTransactions(config: config)

        var result: PlanResult
        switch mode {
        case .apply(let selection):
            result = try await engine.plan(config: config, selection: selection, state: store).refusingProblems()
        case .savedPlan(let saved):
            result = try await engine.plan(config: config, state: store).refusingProblems()
            if let stale = saved.staleness(comparedTo: result.plan) { throw ApplyError.stale(stale) }
        case .destroy(let addresses, let all):
            result = try await destroyPlan(config: config, addresses: addresses, all: all).refusingProblems()
        }
        let plan = result.plan
        if plan.isEmpty {
            // Every apply counts: one with nothing to do is a converged run, so "last converged at" is known.
            if case .destroy = mode {} else { try recordConvergedRun(config: config) }
            return .nothingToDo(plan)
        }
        if case .savedPlan = mode {} else {
            guard await interaction.review(plan) else { return .declined(plan) }
        }
        if !engine.host.isRoot && needsPrivileges(result) { try await interaction.acquirePrivileges() }

        let kind: RunRecord.Kind
        if case .destroy = mode { kind = .destroy } else { kind = .apply }
        let run = try store.beginRun(kind: kind, configPath: config.rootPath, configDigest: config.digest,
                                     pid: getpid(), hostname: engine.host.facts.hostname)
        let journal = StateJournal(store: store, runID: run.id, configPath: config.rootPath, registry: engine.registry,
                                   secrets: engine.secrets)
        let executor = Executor(registry: engine.registry, host: engine.host, jobs: jobs, journal: journal,
                                backups: StateBackupKeeper(store: store, runID: run.id, secrets: engine.secrets), progress: progress, stop: stop,
                                knownOutputs: result.knownOutputs, retryOverride: retryOverride)
        var summary = await executor.apply(plan: plan, resources: result.resources, observations: result.observations)
        // The host has changed by now: a state write that fails here belongs in the summary, not in place of it.
        if case .apply(let selection) = mode, selection.isEverything {
            do {
                try claimResources(of: config)
            } catch {
                summary.stateProblems.append("could not record which resources this config declares: \(error)")
            }
        }
        do {
            // What the fleet still sees pending: the plan's changes that did not succeed.
            let pending = plan.changes.filter { summary.outcomes[$0.address]?.isSuccess != true }
            try store.finishRun(id: run.id, status: summary.interrupted ? .interrupted : summary.succeeded ? .succeeded : .failed,
                                drift: reporting ? pending.map(DriftEntry.init(change:)) : nil)
        } catch {
            summary.stateProblems.append("could not record the end of run \(run.id): \(error)")
        }
        return .applied(plan, summary, runID: run.id)
    }

    private func recordConvergedRun(config: Config) throws {
        let run = try store.beginRun(kind: .apply, configPath: config.rootPath, configDigest: config.digest,
                                     pid: getpid(), hostname: engine.host.facts.hostname)
        try store.finishRun(id: run.id, status: .converged, drift: reporting ? [] : nil)
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))s" : String(format: "%.1fs", value)
    }

    private func needsPrivileges(_ result: PlanResult) -> Bool {
        let specs = Dictionary(result.resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        return result.plan.changes.contains { change in
            guard let type = engine.registry[change.type] as? any ApplyingResourceType, let spec = specs[change.address] else {
                return false
            }
            let request = ChangeRequest(change: change, resource: spec,
                                        observation: result.observations[change.address] ?? .absent())
            return type.needsPrivilege(request, host: engine.host)
        }
    }

    /// A destroy plan: the chosen resources of the config planned as `ensure: absent`.
    private func destroyPlan(config: Config, addresses: [Address], all: Bool) async throws -> PlanResult {
        let declared = Set(config.resources.map(\.address))
        for address in addresses where !declared.contains(address) {
            throw ApplyError.notInConfig(address.description,
                                         Suggestion.phrase(for: address.description, in: declared.map(\.description)))
        }
        let managed = Dictionary(try store.managedResources().map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        let chosen = all ? config.resources.map(\.address) : addresses
        let chosenSet = Set(chosen)
        var destroyConfig = config
        var releases: [OrphanResource] = []
        destroyConfig.allResources = config.allResources.compactMap { resource in
            guard resource.isActive, chosenSet.contains(resource.address) else { return resource }
            // With --all, what tend did not create is released (originals put back), not destroyed.
            if all, managed[resource.address]?.createdByTend != true {
                if managed[resource.address] != nil {
                    releases.append(OrphanResource(address: resource.address, type: resource.type, createdByTend: false))
                }
                return nil
            }
            var absent = resource
            absent.ensure = .absent
            return absent
        }
        let planner = Planner(registry: engine.registry, home: engine.host.home, secrets: engine.secrets)
        let resources = destroyConfig.resources.filter { chosenSet.contains($0.address) }
        let observations = try await Refresher(registry: engine.registry, host: engine.host).refresh(resources)
        let releaseSpecs = releases.compactMap { release in config.resources.first { $0.address == release.address } }
        var plan = planner.plan(config: destroyConfig, resources: resources, observations: observations, orphans: releases)
        plan = try engine.explainingRuleOne(plan, specs: resources + releaseSpecs, state: store)
        // What apply would refuse to remove fails the plan, as it does for apply's own plan.
        return PlanResult(plan: plan, resources: resources + releaseSpecs, observations: observations,
                          problems: engine.planProblems(config: destroyConfig, resources: resources,
                                                        observations: observations,
                                                        changed: Set(plan.changes.map(\.address))))
    }

    /// Transactions a killed run left open: refresh each resource and record what actually happened. A resource
    /// whose refresh fails is not guessed at: its transaction stays open and the run stops, naming it and why,
    /// since taking "unknown" for "absent" would forget the resource together with its backups.
    private func reconcileOpenTransactions(config: Config) async throws {
        let open = try store.pendingTransactions().filter { $0.status == .open }
        guard !open.isEmpty else { return }
        let specs = Dictionary(config.allResources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        for transaction in open {
            let existing = try store.managedResource(transaction.address)
            let spec = specs[transaction.address] ?? existing.map {
                ResourceSpec(address: $0.address, type: $0.type, parameters: $0.parameters,
                             location: SourceLocation(file: "(state)", mark: .start))
            }
            var observation = Observation.absent()
            if let spec {
                guard let type = engine.registry[spec.type] else {
                    throw ApplyError.unreconciled(transaction, cause: "tend knows no resource type '\(spec.type)'")
                }
                do {
                    observation = try await type.refresh([spec], host: engine.host)[spec.address] ?? .absent()
                } catch {
                    throw ApplyError.unreconciled(transaction, cause: "\(error)")
                }
            }
            let present = observation.exists
            let wasDestroy = transaction.operation == .destroy || transaction.operation == .release
            // Recorded the way a finished change is, in the killed run's report: a destroy that took effect
            // drops the resource's record but keeps its backups, which may hold the only copy of an original.
            let report = OperationReport(
                runID: transaction.runID, address: transaction.address, operation: transaction.operation,
                status: .interrupted, attempts: 1, duration: 0,
                error: "interrupted; the next run found it " + (present ? "present" : "absent"))
            if present && !wasDestroy, let spec {
                let parameters = StateJournal.storable(spec.parameters, sensitive: spec.sensitive, secrets: engine.secrets)
                var paths = existing?.configPaths ?? []
                if !paths.contains(config.rootPath) { paths.append(config.rootPath) }
                let declared = specs[transaction.address] != nil
                // The record keeps what rule 1 and the destroy order rely on: without its footprint a later
                // destroy could no longer tell tend's own bytes from a user's edit.
                var record = ManagedResource(
                    address: spec.address, type: spec.type, parameters: parameters, outputs: existing?.outputs ?? [:],
                    createdByTend: existing?.createdByTend ?? (transaction.operation == .create), configPaths: paths,
                    written: existing?.written, writtenRun: existing?.writtenRun,
                    keep: declared ? spec.keep : existing?.keep ?? spec.keep,
                    dependsOn: declared ? dependencies(of: spec, in: transaction) : existing?.dependsOn ?? [])
                // Only a change that converged counts as done (closing earlier failures of the address with it);
                // one half-way is only closed, and the plan that follows asks for the rest.
                if Planner(registry: engine.registry, home: engine.host.home).change(for: spec, observation: observation) == nil {
                    // What is there now is what the killed run set out to write: tend's own work, as of that run.
                    // Sealed as the journal seals a finished change's footprint (`PathFootprint.stored`).
                    if let footprint = PathFootprint.stored(engine.registry[spec.type]?.footprint(of: spec, host: engine.host),
                                                            secrets: engine.secrets) {
                        record.written = footprint
                        record.writtenRun = transaction.runID
                    }
                    try store.completeTransaction(token: transaction.token, report: report, managed: record,
                                                  removeManaged: false)
                } else {
                    try store.saveManagedResource(record)
                    try store.closeTransaction(token: transaction.token)
                }
            } else if !present && transaction.operation == .destroy {
                try store.completeTransaction(token: transaction.token, report: report, managed: nil,
                                              removeManaged: true)
            } else {
                try store.closeTransaction(token: transaction.token)
            }
            interaction.note("reconciled \(transaction.address), left unfinished by an interrupted run: it is "
                             + (present ? "present" : "absent") + " now")
        }
    }

    /// What a resource depended on in the change a killed run left open: the config's `dependsOn` and the
    /// plan's implied edges, as a finished change records them.
    private func dependencies(of spec: ResourceSpec, in transaction: TransactionRecord) -> [Address] {
        let change = try? JSON.parse(transaction.change)
        let planned = (change?["dependsOn"]?.arrayValue ?? []).compactMap { entry in
            entry.stringValue.flatMap { Address(parsing: $0, home: engine.host.home) }
        }
        return Set(spec.dependsOn + planned).sorted()
    }

    /// Makes every resource of the config that tend manages remember this config; drops this config's claim
    /// on resources another config still declares.
    private func claimResources(of config: Config) throws {
        let declared = Set(config.allResources.map(\.address))
        for var record in try store.managedResources() {
            if declared.contains(record.address) {
                guard !record.configPaths.contains(config.rootPath) else { continue }
                interaction.note("\(record.address) is also declared by \(record.configPaths.joined(separator: ", "))")
                record.configPaths.append(config.rootPath)
                try store.saveManagedResource(record)
            } else if record.configPaths.contains(config.rootPath) && record.configPaths.count > 1 {
                record.configPaths.removeAll { $0 == config.rootPath }
                try store.saveManagedResource(record)
            }
        }
    }
}

/// Why an apply could not start.
public enum ApplyError: Error, Sendable, CustomStringConvertible {
    case stale(String)
    case notInConfig(String, String)
    case privileges(String)
    /// A change a killed run left open whose resource could not be refreshed; the change stays open.
    case unreconciled(TransactionRecord, cause: String)

    public var description: String {
        switch self {
        case .stale(let message): return message + "; make a new plan with 'tend plan --out FILE'"
        case .notInConfig(let address, let suggestion): return "\(address) is not a resource of this config\(suggestion)"
        case .privileges(let message): return message
        case .unreconciled(let change, let cause):
            return "could not tell whether the \(change.operation.rawValue) of \(change.address), left unfinished by "
                + "run \(change.runID), took effect: \(cause); nothing was changed and the change stays open. "
                + "Fix the cause and run again, or resolve it with 'tend recover \(change.token) --done' or '--forget'"
        }
    }
}
