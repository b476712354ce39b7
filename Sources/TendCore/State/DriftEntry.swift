/// One change a plan says is pending on this host, as the fleet sees it: which resource, and what tend would do.
public struct DriftEntry: Sendable, Hashable {
    public var address: String
    /// A `ResourceOperation` raw value (create, modify, recreate, destroy, release).
    public var operation: String

    public init(address: String, operation: String) {
        self.address = address
        self.operation = operation
    }

    public init(change: ResourceChange) {
        self.init(address: change.address.description, operation: change.operation.rawValue)
    }

    var json: JSON { .object([("address", .string(address)), ("operation", .string(operation))]) }
}
