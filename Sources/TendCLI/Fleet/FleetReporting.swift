import Foundation
import TendCore
import TendReport

/// Where a host's runs go (`TEND_REPORT_URL`, else the config's `report_to`), and the send after each run: a
/// failure is a warning, never the run's failure, and what was not sent waits in the outbox for the next run.
enum FleetReporting {
    /// The environment wins, so that one host (or `tend fleet apply`) can point elsewhere without editing the
    /// shared config.
    static func url(config: Config?, environment: [String: String]) -> String? {
        if let url = environment["TEND_REPORT_URL"], !url.isEmpty { return url }
        return config?.reportTo
    }

    /// Sends the outbox; prints a warning naming the server (password redacted) when it cannot.
    static func deliver(store: SQLiteStateStore, url text: String) {
        do {
            let url = try ReportURL(text)
            _ = try OutboxSender(url: url).send(from: store)
        } catch {
            let waiting = (try? store.outboxCount()) ?? 0
            Terminal.write("warning: \(TerminalText.escapeLines(ReportURL.redact("\(error)"))); "
                           + "\(waiting) report\(waiting == 1 ? "" : "s") kept in the local state for the next run\n",
                           to: .standardError)
        }
    }
}
