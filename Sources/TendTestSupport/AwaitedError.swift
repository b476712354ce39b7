/// An awaited event that did not happen within the hang guard.
public struct AwaitedError: Error, CustomStringConvertible {
    public let event: String
    public let seconds: Double

    public var description: String { "waited \(Int(seconds))s for \(event); it never happened (a hang, or tend stopped early)" }
}
