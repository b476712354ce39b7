import Foundation
import TendCore

/// The state file and its lock. A missing state is healthy (the first apply makes it) and is never created here.
extension Doctor {
    func stateChecks() -> [DoctorCheck] {
        let shown = PathNormalizer.addressForm(statePath, home: host.home)
        var checks: [DoctorCheck] = []
        if host.files.status(statePath) == nil {
            checks.append(DoctorCheck("state", shown, .ok, "no state yet: the first 'tend apply' creates it"))
        } else {
            checks += existingStateChecks(shown)
        }
        switch StateLock.status(statePath: statePath) {
        case .free:
            checks.append(DoctorCheck("lock", shown + ".lock", .ok, "not held"))
        case .held(let holder):
            checks.append(DoctorCheck("lock", shown + ".lock", .warning,
                                      "held by " + (holder.map { "\($0)" } ?? "another process that did not say who it is"),
                                      fix: "let that tend finish; commands that change the state wait for it with --lock-timeout SECONDS"))
        case .stale(let holder):
            checks.append(DoctorCheck("lock", shown + ".lock", .warning,
                                      "stale: it names \(holder), which is no longer running",
                                      fix: "nothing to do: the next tend takes the lock over and says so"))
        case .unreadable(let reason):
            checks.append(DoctorCheck("lock", shown + ".lock", .problem, reason,
                                      fix: "remove the lock file; tend makes a new one"))
        }
        return checks
    }

    private func existingStateChecks(_ shown: String) -> [DoctorCheck] {
        let store: SQLiteStateStore
        do {
            store = try SQLiteStateStore(path: statePath)
            try store.checkIntegrity()
        } catch {
            return [DoctorCheck("state", shown, .problem, "\(error)", fix: stateFix(for: error, shown: shown))]
        }
        var checks: [DoctorCheck] = []
        do {
            let managed = try store.managedResources().count
            checks.append(DoctorCheck("state", shown, .ok,
                                      "readable, integrity check passed, \(managed) managed resource\(managed == 1 ? "" : "s")"))
            let failed = try store.pendingTransactions().filter { $0.status == .failed }.count
            if failed > 0 {
                checks.append(DoctorCheck("state", "failed changes", .warning,
                                          "\(failed) change\(failed == 1 ? "" : "s") failed half-way in earlier runs",
                                          fix: "run 'tend recover' to retry, mark as done, or forget each one"))
            }
        } catch {
            checks.append(DoctorCheck("state", shown, .problem, "\(error)", fix: stateFix(for: error, shown: shown)))
        }
        return checks
    }

    private func stateFix(for error: any Error, shown: String) -> String {
        switch error as? StateError {
        case .corrupt?:
            return "restore \(shown) from a backup of your home; or move it aside (mv \(shown) \(shown).damaged) "
                + "and run 'tend apply', which starts a new state and adopts what is already in place"
        case .newerSchema?:
            return "use the newer tend that wrote it (see 'tend --version'), or point --state at another file"
        default:
            return "the finding names the file and the reason; fix that, or point --state at another file"
        }
    }
}
