import Foundation
import TendCore

/// `--progress json`: one JSON object per line on standard output for each event (plan, start, finish,
/// result), for a program reading apply's progress (`tend fleet apply` reads it over ssh). Everything meant
/// for a person goes to standard error instead.
final class JSONLinesProgress: ApplyProgress, ProgressFlushing, @unchecked Sendable {
    private let lock = NSLock()

    func emit(_ pairs: [(String, JSON)]) {
        let line = JSON.object(pairs).compact + "\n"
        lock.withLock { Terminal.write(line) }
    }

    func planned(_ plan: Plan) {
        var pairs: [(String, JSON)] = [("event", .string("plan")), ("changes", .int(plan.changes.count))]
        for operation in [ResourceOperation.create, .modify, .recreate, .destroy, .release] {
            pairs.append((operation.rawValue, .int(plan.count(operation))))
        }
        pairs.append(("unchanged", .int(plan.unchanged.count)))
        emit(pairs)
    }

    func started(_ change: ResourceChange) {
        emit([("event", .string("start")), ("address", .string(change.address.description)),
              ("operation", .string(change.operation.rawValue)), ("message", .string(change.message))])
    }

    func finished(_ change: ResourceChange, outcome: ChangeOutcome) {
        var pairs: [(String, JSON)] = [("event", .string("finish")), ("address", .string(change.address.description))]
        switch outcome {
        case .succeeded(let duration, let attempts):
            pairs += [("status", .string("succeeded")), ("seconds", .double(duration)), ("attempts", .int(attempts))]
        case .failed(let message, let duration, let attempts):
            pairs += [("status", .string("failed")), ("seconds", .double(duration)), ("attempts", .int(attempts)),
                      ("error", .string(String(message.split(separator: "\n").first ?? "")))]
        case .skipped(let reason):
            pairs += [("status", .string("skipped")), ("reason", .string(reason))]
        }
        emit(pairs)
    }

    func log(_ address: Address?, _ line: String) {}

    /// The last event: how the run ended, with the counts `tend fleet` puts in its table.
    func result(_ outcome: ApplySession.Outcome) {
        switch outcome {
        case .nothingToDo(let plan):
            emit([("event", .string("result")), ("status", .string("converged")), ("changed", .int(0)),
                  ("failed", .int(0)), ("unchanged", .int(plan.unchanged.count)),
                  ("summary", .string("converged: \(plan.unchanged.count) unchanged"))])
        case .declined:
            emit([("event", .string("result")), ("status", .string("declined")), ("changed", .int(0)), ("failed", .int(0))])
        case .applied(_, let summary, let runID):
            emit([("event", .string("result")), ("status", .string(summary.succeeded ? "succeeded" : "failed")),
                  ("changed", .int(summary.changed)), ("failed", .int(summary.failed)),
                  ("skipped", .int(summary.skipped)), ("unchanged", .int(summary.unchanged)),
                  ("seconds", .double(summary.duration)), ("run", .int(Int(runID))),
                  ("summary", .string(summary.summaryLine))])
        }
    }

    func output(_ bytes: [UInt8]) {}
    func flush() {}
}
