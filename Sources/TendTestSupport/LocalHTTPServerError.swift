/// A local HTTP server that could not be started.
public struct LocalHTTPServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
