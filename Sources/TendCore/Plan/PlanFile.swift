import Foundation

/// Saved plans on disk: the JSON of `PlanJSONRenderer(purpose: .savedPlan)`, written atomically with mode 0600.
public enum PlanFile {
    public static func write(_ plan: Plan, to path: String) throws {
        let text = PlanJSONRenderer(purpose: .savedPlan).render(plan)
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600)
    }
}
