import TendCore

/// Installing entries: per user, the crontab is read once, tend's block rebuilt from the changes, and the whole
/// text installed with one `crontab -`; the user's own lines go back exactly as they were.
extension CronResource {
    public var batchSize: Int { 64 }
    public var lockGroup: String? { "crontab" }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        let host = context.host
        for (user, group) in Dictionary(grouping: requests, by: { Self.user(of: $0.resource, host: host) }) {
            var results: [Address: ChangeResult] = [:]
            do {
                if !host.isRoot, user != host.facts.user {
                    throw ApplyFailure("the crontab of \(user) can be changed only by root; tend runs as \(host.facts.user)")
                }
                if let problem = Crontab.userProblem(user) { throw ApplyFailure(problem) }
                let text = try await Crontab.read(user: user, host: host)
                var block = CrontabBlock(parsing: text)
                for request in group {
                    results[request.address] = try change(&block, request, user: user, context: context)
                }
                let updated = block.text
                if updated != text { try await Crontab.install(updated, user: user, host: host) }
                for (address, result) in results { outcomes[address] = .success(result) }
            } catch {
                let failure = ApplyFailure(error: error)
                for request in group { outcomes[request.address] = .failure(failure) }
            }
        }
        return outcomes
    }

    /// Makes one request's change to the block in memory, keeping the line it replaces or removes first (rule 1).
    private func change(_ block: inout CrontabBlock, _ request: ChangeRequest, user: String,
                        context: ApplyContext) throws -> ChangeResult {
        let id = Self.id(of: request.resource)
        if let problem = Self.valueProblems(request.resource).first { throw ApplyFailure(problem.message) }
        let index = block.entries.lastIndex { $0.id == id }
        switch request.operation {
        case .create, .modify, .recreate:
            guard let schedule = request.resource.parameters["schedule"]?.stringValue.flatMap(Self.normalizedSchedule),
                  let command = request.resource.parameters["command"]?.stringValue else {
                throw ApplyFailure("cron entry \(id) needs a schedule and a command")
            }
            let line = CrontabBlock.line(schedule: schedule, command: command)
            let entry = CrontabBlock.Entry(id: id, schedule: schedule, command: command, line: line)
            if let index {
                if block.entries[index].line != line {
                    try keep(block.entries[index].line, id: id, user: user, request: request, context: context)
                }
                block.entries[index] = entry
            } else {
                block.entries.append(entry)
            }
            return ChangeResult(written: PathFootprint.value(line))
        case .destroy:
            if let index {
                try keep(block.entries[index].line, id: id, user: user, request: request, context: context)
                block.entries.remove(at: index)
            }
        case .release:
            break
        }
        return ChangeResult()
    }

    /// Rule 1 for a line in tend's block: kept in backups unless it is exactly what tend last wrote.
    private func keep(_ line: String, id: String, user: String, request: ChangeRequest, context: ApplyContext) throws {
        guard let backups = context.backups else { return }
        let label = "cron entry \(id) of \(user)"
        do {
            if let last = try backups.lastWrite(request.address) {
                if backups.stored(PathFootprint.value(line)) != last.digest {
                    try backups.keepValue(line, label: label, for: request.address, reason: .editedOutsideTend)
                }
            } else {
                try backups.keepValue(line, label: label, for: request.address, reason: .original)
            }
        } catch {
            throw ApplyFailure("could not back up \(label), so the crontab was left as it was: \(error)")
        }
    }
}
