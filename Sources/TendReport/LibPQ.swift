import Foundation
internal import CPostgres

/// libpq's functions, looked up once in a `dlopen`ed libpq: a local run that reports nowhere never loads it.
struct LibPQ: @unchecked Sendable {
    let connectdbParams: tend_pq_connectdb_params
    let status: tend_pq_status
    let errorMessage: tend_pq_error_message
    let finish: tend_pq_finish
    let exec: tend_pq_exec
    let execParams: tend_pq_exec_params
    let resultStatus: tend_pq_result_status
    let resultErrorMessage: tend_pq_result_error_message
    let resultErrorField: tend_pq_result_error_field
    let ntuples: tend_pq_ntuples
    let nfields: tend_pq_nfields
    let getvalue: tend_pq_getvalue
    let getisnull: tend_pq_getisnull
    let clear: tend_pq_clear

    #if os(macOS)
    static let libraryNames = ["libpq.5.dylib", "/opt/homebrew/opt/libpq/lib/libpq.5.dylib", "/usr/local/opt/libpq/lib/libpq.5.dylib"]
    #else
    static let libraryNames = ["libpq.so.5"]
    #endif

    /// Loaded on first use; the result (or why it failed) is kept for the process.
    static let shared: Result<LibPQ, ReportError> = Result { () throws(ReportError) -> LibPQ in try LibPQ.load() }

    private static func load() throws(ReportError) -> LibPQ {
        var handle: UnsafeMutableRawPointer?
        for name in libraryNames {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            throw ReportError.libraryMissing(reason)
        }
        func symbol<T>(_ name: String, _ type: T.Type) throws(ReportError) -> T {
            guard let pointer = dlsym(handle, name) else { throw ReportError.libraryMissing("\(name) is not in libpq") }
            return unsafeBitCast(pointer, to: type)
        }
        return LibPQ(
            connectdbParams: try symbol("PQconnectdbParams", tend_pq_connectdb_params.self),
            status: try symbol("PQstatus", tend_pq_status.self),
            errorMessage: try symbol("PQerrorMessage", tend_pq_error_message.self),
            finish: try symbol("PQfinish", tend_pq_finish.self),
            exec: try symbol("PQexec", tend_pq_exec.self),
            execParams: try symbol("PQexecParams", tend_pq_exec_params.self),
            resultStatus: try symbol("PQresultStatus", tend_pq_result_status.self),
            resultErrorMessage: try symbol("PQresultErrorMessage", tend_pq_result_error_message.self),
            resultErrorField: try symbol("PQresultErrorField", tend_pq_result_error_field.self),
            ntuples: try symbol("PQntuples", tend_pq_ntuples.self),
            nfields: try symbol("PQnfields", tend_pq_nfields.self),
            getvalue: try symbol("PQgetvalue", tend_pq_getvalue.self),
            getisnull: try symbol("PQgetisnull", tend_pq_getisnull.self),
            clear: try symbol("PQclear", tend_pq_clear.self))
    }

    static var connectionOK: ConnStatusType { CONNECTION_OK }
    static var commandOK: ExecStatusType { PGRES_COMMAND_OK }
    static var tuplesOK: ExecStatusType { PGRES_TUPLES_OK }
    static var sqlStateField: Int32 { Int32(UInt8(ascii: "C")) }  // PG_DIAG_SQLSTATE
}
