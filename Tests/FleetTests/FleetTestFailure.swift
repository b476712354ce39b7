/// A fixture step that did not work, with what it printed.
struct FleetTestFailure: Error, CustomStringConvertible {
    let description: String
}
