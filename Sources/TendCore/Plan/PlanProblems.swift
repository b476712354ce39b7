/// A plan that found values apply would refuse: each is a diagnostic at the place the value was written, and
/// no change of the plan may run while any remains (`tend plan` and `tend apply` exit 1).
public struct PlanProblems: Error, CustomStringConvertible, Sendable {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        let count = diagnostics.count
        return "the plan found \(count) value\(count == 1 ? "" : "s") apply would refuse:\n"
            + DiagnosticRenderer(sources: [:], color: false).render(diagnostics)
    }
}
