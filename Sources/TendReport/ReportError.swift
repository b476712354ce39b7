/// Why the fleet's PostgreSQL could not be reached, written or read. Messages name the server by its redacted
/// URL: a password never reaches output or logs.
public enum ReportError: Error, Sendable, CustomStringConvertible {
    case libraryMissing(String)
    case badURL(String, reason: String)
    case cannotConnect(url: String, reason: String)
    case query(url: String, what: String, sqlState: String?, reason: String)
    case newerServerSchema(url: String, found: Int, supported: Int)
    case passwordInArguments
    case badPayload(String)
    case unknownHost(String, candidates: [String])

    public var description: String {
        switch self {
        case .libraryMissing(let reason):
            return "could not load libpq, which tend uses to reach PostgreSQL: \(reason); install it (Debian: apt-get install libpq5)"
        case .badURL(let url, let reason):
            return "the report URL '\(url)' is not usable: \(reason); write postgres://USER@HOST[:PORT]/DATABASE"
        case .cannotConnect(let url, let reason):
            return "could not connect to \(url): \(reason)"
        case .query(let url, let what, let state, let reason):
            return "could not \(what) in \(url): \(reason)" + (state.map { " (SQLSTATE \($0))" } ?? "")
        case .newerServerSchema(let url, let found, let supported):
            return "the fleet database at \(url) has schema version \(found), newer than this tend knows (up to \(supported)); upgrade tend on this host"
        case .passwordInArguments:
            return "the report URL on the command line has a password, which any user could read in the process list; put it in ~/.pgpass (or $PGPASSFILE), or in TEND_REPORT_URL"
        case .badPayload(let reason):
            return "an outbox entry is not a valid report: \(reason)"
        case .unknownHost(let name, let candidates):
            return candidates.isEmpty
                ? "no host named '\(name)' has reported to the fleet database; 'tend fleet status' lists them"
                : "'\(name)' names several hosts: give one of their ids: " + candidates.joined(separator: ", ")
        }
    }
}
