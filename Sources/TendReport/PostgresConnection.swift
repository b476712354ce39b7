import Foundation

/// One libpq connection, closed when released. Every query has parameters passed apart from its text (no value
/// is spliced into SQL) and every wait is bounded: the connection by `connect_timeout`, each statement by
/// `statement_timeout`.
final class PostgresConnection {
    private let library: LibPQ
    private let connection: OpaquePointer
    let url: ReportURL

    /// Connects; `PGPASSFILE` and `~/.pgpass` are read by libpq as usual when the URL has no password.
    init(url: ReportURL, connectTimeout: Int = 5, statementTimeout: Int = 15) throws(ReportError) {
        let library = try LibPQ.shared.get()
        // expand_dbname makes libpq read the URL given as dbname; the later keywords override what it says.
        let keywords = ["dbname", "connect_timeout", "options", "application_name"]
        let values = [url.text, String(connectTimeout), "-c statement_timeout=\(statementTimeout * 1000)", "tend"]
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in library.connectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else { throw ReportError.cannotConnect(url: url.redacted, reason: "out of memory") }
        guard library.status(connection) == LibPQ.connectionOK else {
            let reason = Self.message(library.errorMessage(connection))
            library.finish(connection)
            throw ReportError.cannotConnect(url: url.redacted, reason: reason)
        }
        self.library = library
        self.connection = connection
        self.url = url
    }

    deinit { library.finish(connection) }

    /// Runs one statement; returns its rows as text (nil for NULL).
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = [], what: String) throws(ReportError) -> [[String?]] {
        let owned: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { for pointer in owned { free(pointer) } }
        let pointers: [UnsafePointer<CChar>?] = owned.map { $0.map { UnsafePointer($0) } }
        let result = pointers.withUnsafeBufferPointer { buffer in
            library.execParams(connection, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        return try rows(of: result, what: what)
    }

    /// Runs several statements given as one text without parameters (schema migrations, BEGIN/COMMIT).
    func script(_ sql: String, what: String) throws(ReportError) {
        _ = try rows(of: library.exec(connection, sql), what: what)
    }

    private func rows(of result: OpaquePointer?, what: String) throws(ReportError) -> [[String?]] {
        guard let result else {
            throw ReportError.query(url: url.redacted, what: what, sqlState: nil,
                                    reason: Self.message(library.errorMessage(connection)))
        }
        defer { library.clear(result) }
        let status = library.resultStatus(result)
        guard status == LibPQ.commandOK || status == LibPQ.tuplesOK else {
            let state = library.resultErrorField(result, LibPQ.sqlStateField).map { String(cString: $0) }
            throw ReportError.query(url: url.redacted, what: what, sqlState: state,
                                    reason: Self.message(library.resultErrorMessage(result)))
        }
        let count = library.ntuples(result), fields = library.nfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count {
            rows.append((0..<fields).map { field in
                library.getisnull(result, row, field) != 0 ? nil : library.getvalue(result, row, field).map { String(cString: $0) }
            })
        }
        return rows
    }

    /// libpq's message without its trailing line break; a password never appears in one, but a URL might.
    private static func message(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        let text = pointer.map { String(cString: $0) } ?? "unknown error"
        return ReportURL.redact(text.trimmingCharacters(in: .whitespacesAndNewlines))
            .replacingOccurrences(of: "\n", with: "; ")
    }

    private static func withCStrings<R>(_ strings: [String],
                                        _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let owned = strings.map { strdup($0) }
        defer { for pointer in owned { free(pointer) } }
        var pointers: [UnsafePointer<CChar>?] = owned.map { $0.map { UnsafePointer($0) } }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
