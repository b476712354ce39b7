/// Why the built `tend` cannot be run for a test.
public struct BuiltTendError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
