/// A run or plan summary waiting in the local state to be sent to the fleet's PostgreSQL. Removed only once the
/// server has committed it; the server's key (host id, kind, local id) makes sending it twice harmless.
public struct OutboxEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case run, plan }

    public var id: Int64
    public var kind: Kind
    /// The run id for a run; the entry's own id for a plan summary.
    public var localID: Int64
    /// A JSON object (see `SQLiteStateStore.runPayload`).
    public var payload: String

    public init(id: Int64, kind: Kind, localID: Int64, payload: String) {
        self.id = id
        self.kind = kind
        self.localID = localID
        self.payload = payload
    }
}
