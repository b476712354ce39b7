import Foundation

/// The mutable bookkeeping of one `Executor.apply`: which changes wait, run, succeeded or failed.
final class ExecutionRun: @unchecked Sendable {
    private let executor: Executor
    private let plan: Plan
    private let specs: [Address: ResourceSpec]
    private let observations: [Address: Observation]
    private let changes: [ResourceChange]
    /// Indices of the changes each change waits for.
    private var waitsFor: [Set<Int>]
    private let lock = NSLock()
    private(set) var outcomes: [Address: ChangeOutcome] = [:]
    /// Journal writes that failed: the host may have changed while the state does not say so.
    private(set) var stateProblems: [String] = []
    private var outputs: [Address: [String: Value]]

    init(executor: Executor, plan: Plan, specs: [Address: ResourceSpec], observations: [Address: Observation]) {
        self.executor = executor
        self.plan = plan
        self.specs = specs
        self.observations = observations
        self.changes = plan.changes
        self.outputs = executor.knownOutputs
        let index = Dictionary(plan.changes.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { first, _ in first })
        var waits = Array(repeating: Set<Int>(), count: plan.changes.count)
        let destroys = plan.changes.indices.filter { plan.changes[$0].operation == .destroy }
        let removals = plan.changes.indices.filter { [.destroy, .release].contains(plan.changes[$0].operation) }
        for (i, change) in plan.changes.enumerated() {
            if change.operation == .destroy || change.operation == .release {
                // A destroy or release waits only for the removals of what depends on it: one that fails must not
                // keep unrelated originals from being put back.
                for j in removals where plan.changes[j].dependsOn.contains(change.address) { waits[i].insert(j) }
            } else {
                waits[i].formUnion(destroys)
                for dependency in change.dependsOn {
                    if let j = index[dependency], plan.changes[j].operation != .destroy { waits[i].insert(j) }
                }
            }
        }
        self.waitsFor = waits
    }

    private struct Unit: Sendable {
        var indices: [Int]
        var lockGroup: String?
    }

    func execute() async {
        // The whole schedule runs in one task, so that termination can cancel every running change at once.
        let task = Task { await schedule() }
        executor.stop.whenTerminated { task.cancel() }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }

    private func schedule() async {
        var pending = Set(changes.indices)
        var running = 0
        var heldLocks: Set<String> = []
        var succeeded: Set<Int> = []
        var finished: Set<Int> = []

        await withTaskGroup(of: (Unit, [Int: Bool]).self) { group in
            while true {
                // Skip what can no longer run.
                var skippedAny = true
                while skippedAny {
                    skippedAny = false
                    for i in pending.sorted() {
                        let blocked = waitsFor[i].first { finished.contains($0) && !succeeded.contains($0) }
                        if let blocked {
                            pending.remove(i)
                            finished.insert(i)
                            skip(i, reason: "\(changes[blocked].address) did not succeed")
                            skippedAny = true
                        }
                    }
                }
                if executor.stop.isStopping {
                    for i in pending.sorted() {
                        finished.insert(i)
                        skip(i, reason: "tend was interrupted before it started")
                    }
                    pending.removeAll()
                }
                // Start what is ready, within the job limit and lock groups.
                let ready = pending.sorted().filter { waitsFor[$0].isSubset(of: succeeded) }
                for unit in units(ready) where running < executor.jobs {
                    if let group = unit.lockGroup, heldLocks.contains(group) { continue }
                    if let lockGroup = unit.lockGroup { heldLocks.insert(lockGroup) }
                    for i in unit.indices { pending.remove(i) }
                    running += 1
                    group.addTask { (unit, await self.runUnit(unit)) }
                }
                if running == 0 && (pending.isEmpty || ready.isEmpty) {
                    // Nothing runs and nothing can start: the rest waits on something that cannot finish.
                    for i in pending.sorted() { skip(i, reason: "its dependencies did not run") }
                    break
                }
                guard let (unit, results) = await group.next() else { break }
                running -= 1
                if let lockGroup = unit.lockGroup { heldLocks.remove(lockGroup) }
                for (i, ok) in results {
                    finished.insert(i)
                    if ok { succeeded.insert(i) }
                }
            }
        }
    }

    /// Groups ready changes into units: batchable types merge up to their batch size, by operation kind.
    private func units(_ ready: [Int]) -> [Unit] {
        var result: [Unit] = []
        var batches: [String: Int] = [:]
        for i in ready {
            let change = changes[i]
            let type = executor.registry[change.type] as? any ApplyingResourceType
            if change.operation == .release {
                // A put-back that runs the type's own commands (git config) takes the type's lock like any change.
                result.append(Unit(indices: [i], lockGroup: type?.putsBackItself == true ? type?.lockGroup : nil))
                continue
            }
            let size = type?.batchSize ?? 1
            let group = type?.lockGroup
            if size > 1 {
                let key = "\(change.type)/\(change.operation == .destroy ? "destroy" : "create")"
                if let at = batches[key], result[at].indices.count < size {
                    result[at].indices.append(i)
                    continue
                }
                batches[key] = result.count
            }
            result.append(Unit(indices: [i], lockGroup: group))
        }
        return result
    }

    private func skip(_ i: Int, reason: String) {
        let change = changes[i]
        let outcome = ChangeOutcome.skipped(reason: reason)
        lock.withLock { outcomes[change.address] = outcome }
        executor.progress.finished(change, outcome: outcome)
        guard let journal = executor.journal else { return }
        do {
            try journal.skipped(change, report: OperationReport(
                runID: journal.runID, address: change.address, operation: change.operation,
                status: executor.stop.isStopping ? .interrupted : .skipped, attempts: 0, duration: 0, error: reason))
        } catch {
            noteStateProblem("\(change.address): could not record in the state that its \(change.operation.rawValue) "
                             + "was skipped: \(error)")
        }
    }

    private func noteStateProblem(_ text: String) {
        lock.withLock { stateProblems.append(text) }
    }

    /// Runs one unit to the end (retries and verification included); returns success per change index.
    private func runUnit(_ unit: Unit) async -> [Int: Bool] {
        var results: [Int: Bool] = [:]
        if unit.indices.count == 1, changes[unit.indices[0]].operation == .release {
            let i = unit.indices[0]
            return [i: await release(i)]
        }
        let typeName = changes[unit.indices[0]].type
        guard let type = executor.registry[typeName] as? any ApplyingResourceType else {
            for i in unit.indices {
                finish(i, token: nil, request: nil, .failed(message: "tend cannot apply \(typeName) resources", duration: 0,
                                                           attempts: 0), commands: [], result: nil)
                results[i] = false
            }
            return results
        }
        let started = Date()
        var requests: [Int: ChangeRequest] = [:]
        var tokens: [Int: String] = [:]
        for i in unit.indices {
            let change = changes[i]
            executor.progress.started(change)
            switch request(for: change) {
            case .success(let request):
                do {
                    tokens[i] = try executor.journal?.begin(request)
                    requests[i] = request
                } catch {
                    finish(i, token: nil, request: request, .failed(message: "could not record the change in the state: \(error)",
                                                                   duration: 0, attempts: 0), commands: [], result: nil)
                    results[i] = false
                }
            case .failure(let failure):
                finish(i, token: nil, request: nil, .failed(message: failure.message, duration: 0, attempts: 0),
                       commands: [], result: nil)
                results[i] = false
            }
        }
        var remaining = requests.keys.sorted()
        var attempts: [Int: Int] = [:]
        // Secrets of every resource in the unit stay out of logs, messages and the stored report.
        let redactor = SecretRedactor(requests.values.map(\.resource))
        let recorder = RecordingRunner(base: executor.host.runner, redactor: redactor) { [executor] line in
            executor.progress.log(nil, line)
        }
        var host = executor.host
        host.runner = recorder
        let context = ApplyContext(host: host, backups: executor.backups) { [executor] line in
            executor.progress.log(nil, redactor.redact(line))
        }
        while !remaining.isEmpty {
            let batch = remaining.map { requests[$0]! }
            for i in remaining { attempts[i, default: 0] += 1 }
            let outcomes = await type.apply(batch, context: context)
            var retry: [Int] = []
            var succeeded: [(index: Int, request: ChangeRequest, result: ChangeResult)] = []
            for i in remaining {
                let request = requests[i]!
                let outcome = outcomes[request.address] ?? .failure(ApplyFailure("the \(typeName) type reported no result"))
                let policy = executor.retryOverride ?? RetryPolicy(request.resource.retry)
                switch outcome {
                case .success(let result):
                    if let updated = result.updatedParameters, case let problems = type.schema.problems(in: updated),
                       !problems.isEmpty {
                        finish(i, token: tokens[i], request: request,
                               .failed(message: "the change handed back a configuration that does not validate: "
                                           + problems.joined(separator: "; "),
                                       duration: Date().timeIntervalSince(started), attempts: attempts[i]!),
                               commands: recorder.commands, result: nil)
                        results[i] = false
                        continue
                    }
                    var verifying = request
                    if let updated = result.updatedParameters {
                        verifying.resource.parameters.merge(updated) { _, new in new }
                    }
                    succeeded.append((i, verifying, result))
                case .failure(let failure):
                    if failure.retryable && attempts[i]! < policy.attempts && !executor.stop.isStopping
                        && !Task.isCancelled {
                        executor.progress.log(request.address, "retrying after: \(redactor.failureMessage(failure.message))")
                        retry.append(i)
                    } else {
                        finish(i, token: tokens[i], request: request,
                               .failed(message: failure.message, duration: Date().timeIntervalSince(started),
                                       attempts: attempts[i]!), commands: recorder.commands, result: nil)
                        results[i] = false
                    }
                }
            }
            // One refresh verifies the whole batch: one read of dpkg's status for every package just installed.
            let problems = await verify(succeeded.map(\.request), type: type)
            for (i, request, result) in succeeded {
                let duration = Date().timeIntervalSince(started)
                if let problem = problems[request.address] {
                    finish(i, token: tokens[i], request: requests[i]!,
                           .failed(message: problem, duration: duration, attempts: attempts[i]!),
                           commands: recorder.commands, result: nil)
                    results[i] = false
                } else {
                    lock.withLock {
                        var merged = outputs[request.address] ?? [:]
                        merged.merge(result.outputs) { _, new in new }
                        outputs[request.address] = merged
                    }
                    finish(i, token: tokens[i], request: requests[i]!,
                           .succeeded(duration: duration, attempts: attempts[i]!), commands: recorder.commands,
                           result: result)
                    results[i] = true
                }
            }
            remaining = retry
            if let first = retry.first {
                let policy = executor.retryOverride ?? RetryPolicy(requests[first]!.resource.retry)
                let delay = policy.delay(after: attempts[first]!)
                try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            }
        }
        return results
    }

    /// Forgets a resource that left the config and was there before tend (or is kept): its originals, if tend
    /// overwrote them, are put back where the thing is still exactly what tend wrote (rule 1, decided by the
    /// backup keeper, or by the type for settings it alone can write); otherwise the host is left as it is.
    private func release(_ i: Int) async -> Bool {
        let change = changes[i]
        executor.progress.started(change)
        let started = Date()
        let request = ChangeRequest(change: change, resource: specs[change.address] ?? ResourceSpec(
            address: change.address, type: change.type, parameters: [:],
            location: SourceLocation(file: "(state)", mark: .start)), observation: observations[change.address] ?? .absent())
        // A put-back that takes a command (git) is reported like any change's: the same recording runner, with
        // the resource's secrets redacted.
        let redactor = SecretRedactor([request.resource])
        let recorder = RecordingRunner(base: executor.host.runner, redactor: redactor) { [executor] line in
            executor.progress.log(change.address, line)
        }
        var token: String?
        do {
            token = try executor.journal?.begin(request)
            if let type = executor.registry[change.type] as? any ApplyingResourceType, type.putsBackItself {
                var host = executor.host
                host.runner = recorder
                let context = ApplyContext(host: host, backups: executor.backups) { [executor] line in
                    executor.progress.log(change.address, redactor.redact(line))
                }
                if case .failure(let failure)? = await type.apply([request], context: context)[change.address] {
                    throw failure
                }
            } else if try executor.backups?.restore(change.address) ?? false {
                executor.progress.log(change.address, "put back what was there before tend")
            }
        } catch {
            // With the token, a restore that failed is recorded as failed (for `tend recover`), not left open.
            finish(i, token: token, request: request, .failed(message: "could not release \(change.address): \(error)",
                                                           duration: Date().timeIntervalSince(started), attempts: 1),
                   commands: recorder.commands, result: nil)
            return false
        }
        finish(i, token: token, request: request, .succeeded(duration: Date().timeIntervalSince(started), attempts: 1),
               commands: recorder.commands, result: ChangeResult())
        return true
    }

    private func request(for change: ResourceChange) -> Result<ChangeRequest, ApplyFailure> {
        guard var resource = specs[change.address] else {
            return .failure(ApplyFailure("internal error: no resource for \(change.address)"))
        }
        for reference in resource.outputReferences {
            guard let value = lock.withLock({ outputs[reference.address]?[reference.key] }) else {
                return .failure(ApplyFailure("\(reference.placeholder) is not known: \(reference.address) has no output '\(reference.key)'"))
            }
            if let current = resource.parameters[reference.parameter]?.stringValue {
                resource.parameters[reference.parameter] = .string(current.replacingOccurrences(of: reference.placeholder,
                                                                                                with: value.text))
            }
        }
        return .success(ChangeRequest(change: change, resource: resource,
                                      observation: observations[change.address] ?? .absent()))
    }

    /// Why each request did not take effect, by a fresh refresh of all of them at once; absent when it did.
    private func verify(_ requests: [ChangeRequest], type: any ApplyingResourceType) async -> [Address: String] {
        guard !requests.isEmpty else { return [:] }
        let observed: [Address: Observation]
        do {
            let resources = requests.map(\.resource)
            observed = try await type.refresh(resources, host: OutputHidingRunner.host(executor.host, for: resources))
        } catch {
            return Dictionary(requests.map { ($0.address, "could not verify the change: \(error)") },
                              uniquingKeysWith: { first, _ in first })
        }
        let planner = Planner(registry: executor.registry, home: executor.host.home)
        var problems: [Address: String] = [:]
        for request in requests {
            let observation = observed[request.address] ?? .absent()
            if request.operation == .destroy || request.operation == .release {
                if observation.exists && request.operation == .destroy {
                    problems[request.address] = "did not converge: it is still there"
                }
            } else if let remaining = planner.change(for: request.resource, observation: observation) {
                problems[request.address] = "did not converge: \(remaining.reason)"
            }
        }
        return problems
    }

    private func finish(_ i: Int, token: String?, request: ChangeRequest?, _ outcome: ChangeOutcome,
                        commands: [CommandRecord], result: ChangeResult?) {
        let change = changes[i]
        var outcome = outcome
        // A failure message may quote a command's output: for a sensitive resource it is cut to its first line,
        // redacted, before anyone sees or stores it.
        if case .failed(let message, let duration, let attempts) = outcome, let spec = request?.resource ?? specs[change.address] {
            outcome = .failed(message: SecretRedactor([spec]).failureMessage(message), duration: duration, attempts: attempts)
        }
        lock.withLock { outcomes[change.address] = outcome }
        executor.progress.finished(change, outcome: outcome)
        guard let journal = executor.journal, let token, let request else { return }
        var report = OperationReport(runID: journal.runID, address: change.address, operation: change.operation,
                                     status: .succeeded, attempts: 0, duration: 0, commands: commands)
        switch outcome {
        case .succeeded(let duration, let attempts):
            report.duration = duration
            report.attempts = attempts
            report.outputs = result?.outputs ?? [:]
            do {
                try journal.succeeded(token: token, request: request, result: result ?? ChangeResult(), report: report)
            } catch {
                noteStateProblem("\(change.address): the \(change.operation.rawValue) was done on this machine but "
                                 + "could not be recorded in the state: \(error)")
            }
        case .failed(let message, let duration, let attempts):
            report.status = executor.stop.isTerminating ? .interrupted : .failed
            report.duration = duration
            report.attempts = attempts
            report.error = message
            do {
                try journal.failed(token: token, request: request, report: report)
            } catch {
                noteStateProblem("\(change.address): the failure of its \(change.operation.rawValue) could not be "
                                 + "recorded in the state: \(error)")
            }
        case .skipped:
            break
        }
    }
}
